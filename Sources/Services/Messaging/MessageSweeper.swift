import Foundation
import Logging
import ServiceLifecycle
import Store

/// The background work of SQS. Each second, a partition whose file was deleted or replaced is set aside,
/// then made again and filled from the index and its peers before it serves again (anti-entropy). Every
/// 30 s, messages past their queue's retention period are removed (a scan of the index: retention is
/// counted in days, so this granularity costs nothing a user can see), and FIFO deduplication ids older than
/// their five-minute window are forgotten. Every minute, tombstones older than a minute are swept, while
/// every partition is in service.
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
                await forgetDeduplications()
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

    /// Forgets the deduplication ids whose window has passed, in memory and in every partition.
    public func forgetDeduplications() async {
        let now = QueueService.now()
        await service.engine.expireDeduplication(now: now)
        for set in service.partitions.values {
            await set.each { partition in
                try await partition.removeDeduplications(before: now - DeduplicationWindow.seconds)
            }
        }
    }

    /// Removes the messages past their queue's retention period.
    public func removeExpired() async {
        let now = QueueService.now()
        for queue in await service.engine.allQueues {
            let cutoff = now - Double(queue.attributes.messageRetentionPeriod)
            let expired = await service.engine.expire(queue.id, sentBefore: cutoff)
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
    /// every row the index no longer has taken out; then it serves again.
    func heal(_ set: PartitionSet, _ index: Int) async {
        // From here on the partition gets every new write; what came before is copied below. Versions make
        // the order of the two irrelevant, and a delete leaves a tombstone even where the row is not yet.
        guard let joining = await set.beginJoin(index) else { return }
        let partition = joining.partition
        // Every send from here on reaches the joining partition, and has this sequence or a later one.
        let joinedAt = await service.engine.currentSequence
        do {
            let regionQueues = Set(await service.engine.allQueues.filter { $0.url.region == set.region }.map(\.id))
            var snapshot: [(queue: String, id: String, entry: QueueIndex.Entry)] = []
            var copied = 0
            // A send whose write began before the join reaches the index a moment later: a second pass copies
            // what the first could not see.
            for pass in 0..<3 {
                snapshot = await service.engine.snapshot().filter { regionQueues.contains($0.queue) }
                let present = Set(try await partition.states().map { $0.queue + "/" + $0.id })
                let missing = snapshot.filter { !present.contains($0.queue + "/" + $0.id) }
                if missing.isEmpty, pass > 0 { break }
                for (queue, messages) in Dictionary(grouping: missing, by: \.queue) {
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
                    try await joining.commit(writes)
                    copied += writes.count
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            // Rows the index does not know that were sent before the join (a later one may be a send still
            // on its way to the index): messages deleted or purged while the partition was away. Only when
            // the index came from a majority: otherwise the partition may know better.
            let known = Set(snapshot.map { $0.queue + "/" + $0.id })
            let extra =
                set.loadedFromMajority
                ? try await partition.states().filter { (state: MessageState) in
                    !state.deleted && state.sequence < joinedAt && !known.contains(state.queue + "/" + state.id)
                } : []
            for (queue, states) in Dictionary(grouping: extra, by: { (state: MessageState) in state.queue }) {
                try await partition.remove(queue: queue, ids: states.map(\.id))
            }
            set.admit(index)
            logger.notice(
                "message partition caught up",
                metadata: [
                    "iaas.zone": "\(set.zones[index])", "iaas.message.count": "\(copied)",
                    "iaas.removed.count": "\(extra.count)",
                ])
        } catch {
            set.abandonJoin(index, because: error)
        }
    }

    private func sweepTombstones() async {
        let cutoff = QueueService.now() - 60
        // Only while every partition serves: one away or catching up may still hold what a tombstone hides.
        for set in service.partitions.values where set.allInService {
            await set.each { partition in try await partition.removeTombstones(before: cutoff) }
        }
    }
}
