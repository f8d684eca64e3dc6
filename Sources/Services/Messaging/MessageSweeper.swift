import Foundation
import Logging
import ServiceLifecycle
import Store

/// The background work of SQS. Each second, a partition whose file was deleted or replaced is set aside,
/// then made again and filled from the index and its peers before it serves again (anti-entropy). Every
/// 30 s, messages past their queue's retention period are removed (a scan of the index: retention is
/// counted in days, so this granularity costs nothing a user can see). Every minute, tombstones older than
/// a minute are swept, while every partition is in service.
public struct MessageSweeper: Service, Sendable {
    let service: QueueService
    let interval: Duration
    private let logger = Logger(label: "iaas.sqs.sweeper")

    public init(service: QueueService, interval: Duration = .seconds(1)) {
        self.service = service
        self.interval = interval
    }

    public func run() async throws {
        var lastRetention = ContinuousClock.now
        var lastTombstoneSweep = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await healPartitions()
            if ContinuousClock.now - lastRetention > .seconds(30) {
                await removeExpired()
                lastRetention = ContinuousClock.now
            }
            if ContinuousClock.now - lastTombstoneSweep > .seconds(60) {
                await sweepTombstones()
                lastTombstoneSweep = ContinuousClock.now
            }
        }
    }

    /// Sets aside partitions that were lost, and brings back those that can be made again.
    public func healPartitions() async {
        for set in service.partitions.values {
            set.checkIntegrity()
            for index in set.missing { await heal(set, index) }
        }
    }

    /// Removes the messages past their queue's retention period.
    public func removeExpired() async {
        let now = QueueService.now()
        for queue in await service.engine.allQueues {
            let cutoff = now - Double(queue.attributes.messageRetentionPeriod)
            let expired = await service.engine.removeSent(queue.id, before: cutoff, inclusive: false)
            guard !expired.isEmpty else { continue }
            await service.partitions[queue.url.region]?.each { partition in
                try await partition.remove(queue: queue.id, ids: expired)
            }
            logger.info(
                "removed messages past their retention period",
                metadata: ["iaas.queue.id": "\(queue.id)", "iaas.message.count": "\(expired.count)"])
        }
    }

    /// Makes a set-aside partition equal to the index: every live message copied in (bodies from a peer),
    /// every other row out; then it serves again.
    func heal(_ set: PartitionSet, _ index: Int) async {
        guard let partition = set.reopen(index) else { return }
        do {
            let regionQueues = Set(await service.engine.allQueues.filter { $0.url.region == set.region }.map(\.id))
            let snapshot = await service.engine.snapshot().filter { regionQueues.contains($0.queue) }
            let byQueue = Dictionary(grouping: snapshot, by: \.queue)
            var copied = 0
            for (queue, messages) in byQueue {
                let rows = await set.rows(queue: queue, ids: messages.map(\.id))
                var writes: [MessageWrite] = []
                for message in messages {
                    guard var row = rows[message.id] else { continue }
                    row.visibleAt = message.entry.visibleAt
                    row.receiveCount = message.entry.receiveCount
                    row.firstReceiveAt = message.entry.firstReceiveAt
                    row.version = message.entry.version
                    writes.append(.put(row))
                }
                try await partition.apply(writes)
                copied += writes.count
            }
            let known = Set(snapshot.map { $0.queue + "/" + $0.id })
            let extra = try await partition.states().filter { !$0.deleted && !known.contains($0.queue + "/" + $0.id) }
            for (queue, states) in Dictionary(grouping: extra, by: \.queue) {
                try await partition.remove(queue: queue, ids: states.map(\.id))
            }
            set.admit(partition, at: index)
            logger.notice(
                "message partition caught up",
                metadata: [
                    "iaas.zone": "\(set.zones[index])", "iaas.message.count": "\(copied)",
                    "iaas.removed.count": "\(extra.count)",
                ])
        } catch {
            try? partition.close()
            logger.error(
                "message partition could not catch up",
                metadata: ["iaas.zone": "\(set.zones[index])", "iaas.error": "\(error)"])
        }
    }

    private func sweepTombstones() async {
        let cutoff = QueueService.now() - 60
        for set in service.partitions.values where set.missing.isEmpty {
            await set.each { partition in try await partition.removeTombstones(before: cutoff) }
        }
    }
}
