import API
import Foundation
import GRDB
import Logging
import Store

/// Brings SQS up at start: opens the partitions, finishes the queue deletes and purges a crash interrupted,
/// and rebuilds the in-memory index from the partitions, merging their copies (the highest version of each
/// message wins, a tombstone is a delete, a message any partition holds is kept: at-least-once).
public struct MessagingReconciler: Sendable {
    public struct Report: Sendable, Equatable {
        public var queues = 0
        public var messages = 0
        public var deletesFinished = 0
        public var purgesFinished = 0
        public var partitionsDown = 0
        /// Copies of messages brought up to date in partitions that missed a write before a crash.
        public var partitionsRepaired = 0
        public var moveTasksResumed = 0
    }

    let service: QueueService
    private let logger = Logger(label: "iaas.sqs.reconciler")

    public init(service: QueueService) {
        self.service = service
    }

    public func run() async throws -> Report {
        var report = Report()
        for set in service.partitions.values {
            let live = set.open()
            report.partitionsDown += set.zones.count - live
        }
        let records = try await service.database.read { db in
            try QueueRecord.filter(QueueRecord.Columns.state != QueueState.deleted.rawValue).fetchAll(db)
        }
        for record in records where record.state == .deleting {
            try await service.finishDelete(record.id, region: record.region)
            logger.notice("finished interrupted queue delete", metadata: ["iaas.queue.id": "\(record.id)"])
            report.deletesFinished += 1
        }
        let active = records.filter { $0.state == .active }
        for record in active {
            await service.engine.register(QueueService.engineQueue(record, account: service.account))
        }
        report.queues = active.count
        let marks = Dictionary(uniqueKeysWithValues: active.map { ($0.id, $0.purgeSequence ?? 0) })
        for mark in marks.values { await service.engine.reserveSequences(through: mark) }
        for set in service.partitions.values {
            let copies = await set.states()
            set.loadedFromMajority = copies.count >= set.majority
            if !set.loadedFromMajority {
                logger.error(
                    "only a minority of the region's message partitions could be opened; messages may be missing until they return",
                    metadata: ["iaas.region": "\(set.region)", "iaas.partitions": "\(copies.count)"])
            }
            let merged = Self.merge(copies.map(\.states))
            // A message below its queue's purge mark was purged, wherever a copy of it survived.
            let kept = merged.filter { state in marks[state.queue].map { state.sequence >= $0 } ?? false }
            await service.engine.load(kept, now: QueueService.now())
            await service.engine.restoreDeduplication(
                await set.deduplications(since: QueueService.now() - DeduplicationWindow.seconds))
            report.messages += kept.filter { !$0.deleted }.count
            report.partitionsRepaired += try await Self.repair(copies, toward: merged)
        }
        for record in active where !record.purgeDone {
            try await service.finishPurge(record.id, region: record.region, mark: record.purgeSequence ?? 0)
            logger.notice("finished interrupted purge", metadata: ["iaas.queue.id": "\(record.id)"])
            report.purgesFinished += 1
        }
        for task in try await service.moveTasks.load() {
            service.runInBackground(task)
            logger.notice("resumed message move task", metadata: ["iaas.task": "\(task.handle)"])
            report.moveTasksResumed += 1
        }
        return report
    }

    /// Brings every partition's copies up to the merged winners: tombstones where a partition still has the
    /// message (or nothing), newer delivery states where it has an older one. Without this, a partition
    /// that missed a delete before a crash would keep the message after the others' tombstones are swept,
    /// and the next start would bring it back. Returns how many copies it wrote.
    static func repair(
        _ copies: [(committer: GroupCommitter, states: [MessageState])], toward merged: [MessageState]
    ) async throws -> Int {
        var written = 0
        for copy in copies {
            let mine = Dictionary(copy.states.map { ($0.queue + "/" + $0.id, $0) }, uniquingKeysWith: { $1 })
            var writes: [MessageWrite] = []
            for winner in merged {
                let local = mine[winner.queue + "/" + winner.id]
                if winner.deleted {
                    guard local == nil || local!.version < winner.version else { continue }
                    writes.append(
                        .delete(queue: winner.queue, id: winner.id, version: winner.version, at: winner.visibleAt))
                } else if let local, local.version < winner.version, !local.deleted {
                    writes.append(
                        .state(
                            queue: winner.queue, id: winner.id, visibleAt: winner.visibleAt,
                            receiveCount: winner.receiveCount, firstReceiveAt: winner.firstReceiveAt,
                            version: winner.version))
                }
            }
            for start in stride(from: 0, to: writes.count, by: 1000) {
                try await copy.committer.commit(Array(writes[start..<min(start + 1000, writes.count)]))
            }
            written += writes.count
        }
        return written
    }

    /// One state per message: the highest version among the partitions' copies.
    static func merge(_ copies: [[MessageState]]) -> [MessageState] {
        var best: [String: MessageState] = [:]
        for copy in copies {
            for state in copy {
                let key = state.queue + "/" + state.id
                if let known = best[key], known.version >= state.version { continue }
                best[key] = state
            }
        }
        return Array(best.values)
    }
}
