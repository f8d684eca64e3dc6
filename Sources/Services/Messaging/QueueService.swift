import API
import Foundation
import GRDB
import Logging
import Store

/// SQS: queues in the control plane, messages in the zones' partitions (replicated by majority), their live
/// state in memory (`MessageEngine`).
///
/// Queue actions follow the crash protocol (intent row, side effect, final state); message actions are
/// durable once a majority of the region's partitions committed them, before they are acknowledged.
public struct QueueService: Sendable {
    /// The 60-second rules (name reuse after DeleteQueue, one PurgeQueue a minute), which local development
    /// may turn off.
    public struct Cooldowns: Sendable {
        public var enforced: Bool
        public init(enforced: Bool) { self.enforced = enforced }
    }

    let database: StoreDatabase
    let catalog: RegionCatalog
    let account: String
    let partitions: [String: PartitionSet]
    let engine = MessageEngine()
    let moveTasks: MessageMoveTasks
    let cooldowns: Cooldowns
    let logger = Logger(label: "iaas.sqs")

    /// The largest SendMessageBatch, in bytes of bodies and attributes.
    static let maxBatchBytes = 1_048_576

    /// The most messages in flight a standard queue allows (AWS's quota).
    static let maxInFlight = 120_000
    /// The cap in force: AWS's, unless `IAASD_SQS_MAX_IN_FLIGHT` lowers it so a test can reach it quickly.
    static let configuredMaxInFlight: Int = {
        let value = ProcessInfo.processInfo.environment["IAASD_SQS_MAX_IN_FLIGHT"].flatMap(Int.init)
        return value.map { max(1, $0) } ?? QueueService.maxInFlight
    }()

    public init(
        database: StoreDatabase, dataDirectory: DataDirectory, catalog: RegionCatalog, account: String,
        cooldowns: Cooldowns
    ) {
        self.database = database
        self.catalog = catalog
        self.account = account
        self.cooldowns = cooldowns
        moveTasks = MessageMoveTasks(database: database)
        var partitions: [String: PartitionSet] = [:]
        for region in catalog.regions {
            partitions[region.regionName] = PartitionSet(
                region: region.regionName, zones: region.zones.map(\.zoneName), dataDirectory: dataDirectory)
        }
        self.partitions = partitions
    }

    /// The region of requests that do not name one (CreateQueue, ListQueues): the request's scope's, else
    /// the first configured.
    var defaultRegion: String { RequestScope.region ?? catalog.regions.first?.regionName ?? "us-east-1" }

    static func now() -> Double { Date().timeIntervalSince1970 }

    /// The queue a URL names, or `AWS.SimpleQueueService.NonExistentQueue`.
    func queue(_ url: String) async throws(CloudError) -> MessageEngine.Queue {
        let parsed = try QueueURL(parsing: url, defaultRegion: defaultRegion)
        guard parsed.account == account, let queue = await engine.queue(parsed) else {
            throw SQSErrors.nonExistentQueue(url)
        }
        return queue
    }

    func partitions(of queue: MessageEngine.Queue) throws(CloudError) -> PartitionSet {
        guard let set = partitions[queue.url.region] else { throw SQSErrors.nonExistentQueue(queue.url.string) }
        return set
    }

    /// Closes every partition (at shutdown).
    public func close() {
        for set in partitions.values { set.close() }
    }
}
