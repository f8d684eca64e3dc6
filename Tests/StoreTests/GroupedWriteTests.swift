import Dispatch
import Foundation
import GRDB
import IaasTesting
import Synchronization
import Testing

@testable import Store

@Suite("StoreDatabase.writeGrouped")
struct GroupedWriteTests {
    private static func volume(_ id: String) -> VolumeRecord {
        VolumeRecord(
            id: id, zone: "us-east-1a", sizeGiB: 8, volumeType: "gp3", iops: 3000, throughput: 125, state: .available,
            createTime: Date(), encrypted: false, multiAttachEnabled: false, snapshotId: nil, clientToken: nil)
    }

    struct Refused: Error {}

    @Test("writes queued behind a commit share the next one; each gets its own result")
    func queuedWritesShareACommit() async throws {
        let temporary = try ScratchDirectory()
        let database = try StoreDatabase(path: temporary.appending("iaas.sqlite"))
        defer { try? database.close() }
        let commits = CommitCounter()
        database.pool.add(transactionObserver: commits, extent: .databaseLifetime)
        let gate = DispatchSemaphore(value: 0)
        let queued = Counter()
        // The first write holds the writer until the others have been submitted behind it.
        let first = Task {
            try await database.writeGrouped { db in
                try Self.volume("vol-first").insert(db)
                gate.wait()
                return "first"
            }
        }
        let others = Task {
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        _ = queued.next()
                        return try await database.writeGrouped { db in
                            try Self.volume("vol-\(index)").insert(db)
                            return "vol-\(index)"
                        }
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
        }
        while queued.current < 20 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(200))
        gate.signal()
        #expect(try await first.value == "first")
        #expect(try await others.value == Set((0..<20).map { "vol-\($0)" }))
        // One commit each would be 21.
        #expect(commits.count <= 10)
        #expect(try await database.read { db in try VolumeRecord.fetchCount(db) } == 21)
    }

    @Test("a write that throws is rolled back alone and gets its error; the batch commits")
    func aFailingWriteFailsAlone() async throws {
        let temporary = try ScratchDirectory()
        let database = try StoreDatabase(path: temporary.appending("iaas.sqlite"))
        defer { try? database.close() }
        let gate = DispatchSemaphore(value: 0)
        let entered = Counter()
        async let first: Void = database.writeGrouped { db in
            try Self.volume("vol-first").insert(db)
            _ = entered.next()
            gate.wait()
        }
        // The others queue behind it, in one batch.
        while entered.current == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let refused = Task {
            try await database.writeGrouped { db in
                try Self.volume("vol-refused").insert(db)
                throw Refused()
            }
        }
        let duplicate = Task { try await database.writeGrouped { db in try Self.volume("vol-first").insert(db) } }
        let kept = Task { try await database.writeGrouped { db in try Self.volume("vol-kept").insert(db) } }
        try await Task.sleep(for: .milliseconds(200))
        gate.signal()
        try await first
        await #expect(throws: Refused.self) { try await refused.value }
        await #expect(throws: DatabaseError.self) { try await duplicate.value }
        try await kept.value
        let ids = try await database.read { db in try String.fetchAll(db, sql: "SELECT id FROM volume ORDER BY id") }
        #expect(ids == ["vol-first", "vol-kept"])
    }
}

/// Counts the commits of a database.
private final class CommitCounter: TransactionObserver, Sendable {
    private let commits = Mutex(0)
    var count: Int { commits.withLock { $0 } }
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}
