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
        for set in service.partitions.values {
            let merged = Self.merge(await set.states())
            let purgedAt = Dictionary(uniqueKeysWithValues: active.map { ($0.id, $0.purgedAt ?? -.infinity) })
            let kept = merged.filter { state in state.sentAt > (purgedAt[state.queue] ?? .infinity) }
            await service.engine.load(kept)
            report.messages += kept.filter { !$0.deleted && purgedAt[$0.queue] != nil }.count
        }
        for record in active where !record.purgeDone {
            try await service.finishPurge(record.id, region: record.region, at: record.purgedAt ?? 0)
            logger.notice("finished interrupted purge", metadata: ["iaas.queue.id": "\(record.id)"])
            report.purgesFinished += 1
        }
        return report
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
