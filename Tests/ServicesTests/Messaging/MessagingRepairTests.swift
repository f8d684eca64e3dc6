import API
import Foundation
import IaasTesting
import Store
import Testing

@testable import Services

@Suite("SQS repair at start")
final class MessagingRepairTests {
    let temporary: ScratchDirectory

    init() throws {
        temporary = try ScratchDirectory()
    }

    private func row(_ id: String, version: Int64 = 1) -> MessageRow {
        MessageRow(
            queue: "q", id: id, sequence: 1, body: Data("b".utf8), attributes: nil, md5OfBody: "", md5OfAttributes: nil,
            sentAt: 1, visibleAt: 1, receiveCount: 0, firstReceiveAt: nil, version: version, deleted: false)
    }

    @Test("a partition that missed a delete gets its tombstone, one that missed a receive its state")
    func repair() async throws {
        let partitions = try (0..<3).map { index in
            try MessagePartition(zone: "z\(index)", path: temporary.path.appending("p\(index).sqlite"))
        }
        defer { for partition in partitions { try? partition.close() } }
        for partition in partitions { try await partition.apply([.put(row("deleted")), .put(row("received"))]) }
        // The delete and the receive reached two partitions before a crash; the third missed both.
        for partition in partitions.prefix(2) {
            try await partition.apply([
                .delete(queue: "q", id: "deleted", version: 2, at: 5),
                .state(queue: "q", id: "received", visibleAt: 50, receiveCount: 1, firstReceiveAt: 20, version: 2),
            ])
        }
        var copies: [(committer: GroupCommitter, states: [MessageState])] = []
        for partition in partitions {
            copies.append((GroupCommitter(partition: partition), try await partition.states()))
        }
        let merged = MessagingReconciler.merge(copies.map(\.states))
        #expect(try await MessagingReconciler.repair(copies, toward: merged) == 2)
        let third = Dictionary(uniqueKeysWithValues: try await partitions[2].states().map { ($0.id, $0) })
        #expect(third["deleted"]?.deleted == true)
        #expect(third["received"]?.receiveCount == 1 && third["received"]?.version == 2)
        // A second repair finds nothing to do.
        var again: [(committer: GroupCommitter, states: [MessageState])] = []
        for partition in partitions {
            again.append((GroupCommitter(partition: partition), try await partition.states()))
        }
        #expect(try await MessagingReconciler.repair(again, toward: merged) == 0)
    }
}
