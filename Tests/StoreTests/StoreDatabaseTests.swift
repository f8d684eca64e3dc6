import Foundation
import GRDB
import IaasTesting
import SystemPackage
import Testing

@testable import Store

@Suite("StoreDatabase")
final class StoreDatabaseTests {
    let temporary: ScratchDirectory
    let path: FilePath

    init() throws {
        temporary = try ScratchDirectory()
        path = temporary.appending("iaas.sqlite")
    }

    private static func record(
        _ id: String, state: VolumeState = .available, size: Int = 8, token: String? = nil
    ) -> VolumeRecord {
        VolumeRecord(
            id: id, zone: "us-east-1a", sizeGiB: size, volumeType: "gp3", iops: 3000, throughput: 125, state: state,
            createTime: Date(timeIntervalSince1970: 1_700_000_000.25), encrypted: false, multiAttachEnabled: false,
            snapshotId: nil, clientToken: token
        )
    }

    /// Every migration in order: a new one must be added here, so that a test notices the schema moved.
    static let everyMigration = [
        "v1-volumes-tags", "v2-queues", "v3-message-move-tasks", "v4-compute", "v5-addresses",
        "v6-loopback-ports", "v7-s3", "v8-s3-multipart", "v9-snapshots", "v10-image-snapshots", "v11-s3-object-tags",
        "v12-s3-versions", "v13-snapshot-imports", "v14-object-checksums", "v15-security-groups", "v16-boot-images",
        "v17-architectures",
    ]

    @Test("opening a fresh file creates and migrates the schema")
    func freshFile() async throws {
        let database = try StoreDatabase(path: path)
        defer { try? database.close() }
        #expect(RawFile.exists(path))
        let tables = try await database.read { db in
            try ["volume", "volumeModification", "tag"].map { try db.tableExists($0) }
        }
        #expect(tables == [true, true, true])
        let applied = try await database.read { db in try Schema.migrator.appliedMigrations(db) }
        #expect(applied == Self.everyMigration)
        let journal = try await database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        // FULL (2) on the writer, whose commits count, and on the readers.
        let writer = try await database.pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        let reader = try await database.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writer == 2 && reader == 2)
    }

    @Test("a VolumeRecord round-trips")
    func volumeRoundTrip() async throws {
        let database = try StoreDatabase(path: path)
        defer { try? database.close() }
        let original = Self.record("vol-0123456789abcdef0", token: "abc")
        try await database.write { db in try original.insert(db) }
        let fetched = try await database.read { db in try VolumeRecord.fetchOne(db, key: "vol-0123456789abcdef0") }
        #expect(fetched == original)
        #expect(fetched?.sizeBytes == 8 * GiB)
        let missing = try await database.read { db in try VolumeRecord.fetchOne(db, key: "vol-00000000000000000") }
        #expect(missing == nil)
    }

    @Test("reopening the same file keeps the data and does not re-run migrations")
    func reopen() async throws {
        let first = try StoreDatabase(path: path)
        let original = Self.record("vol-0123456789abcdef0")
        try await first.write { db in try original.insert(db) }
        try first.close()

        let second = try StoreDatabase(path: path)
        defer { try? second.close() }
        let fetched = try await second.read { db in try VolumeRecord.fetchAll(db) }
        #expect(fetched == [original])
        let applied = try await second.read { db in try Schema.migrator.appliedMigrations(db) }
        #expect(applied == Self.everyMigration)
    }

    @Test("transitional() returns only creating and deleting rows")
    func transitional() async throws {
        let database = try StoreDatabase(path: path)
        defer { try? database.close() }
        let states = VolumeState.allCases
        try await database.write { db in
            for (index, state) in states.enumerated() {
                try Self.record(String(format: "vol-%017x", index), state: state).insert(db)
            }
        }
        let rows = try await database.read { db in try VolumeRecord.all().transitional().fetchAll(db) }
        #expect(Set(rows.map(\.state)) == [.creating, .deleting])
        #expect(rows.count == 2)
        #expect(VolumeState.allCases.filter(\.isTransitional) == [.creating, .deleting])
    }

    @Test("states are stored by their AWS names")
    func stateNames() async throws {
        let database = try StoreDatabase(path: path)
        defer { try? database.close() }
        try await database.write { db in try Self.record("vol-0123456789abcdef0", state: .inUse).insert(db) }
        let raw = try await database.read { db in try String.fetchOne(db, sql: "SELECT state FROM volume") }
        #expect(raw == "in-use")
    }

    @Test("a client token is unique")
    func uniqueToken() async throws {
        let database = try StoreDatabase(path: path)
        defer { try? database.close() }
        try await database.write { db in try Self.record("vol-0000000000000000a", token: "t").insert(db) }
        await #expect(throws: DatabaseError.self) {
            try await database.write { db in try Self.record("vol-0000000000000000b", token: "t").insert(db) }
        }
        try await database.write { db in
            try Self.record("vol-0000000000000000c").insert(db)
            try Self.record("vol-0000000000000000d").insert(db)
        }
        #expect(try await database.read { db in try VolumeRecord.fetchCount(db) } == 3)
    }

    @Test("a modification gets its id on insert and goes with its volume")
    func modificationCascade() async throws {
        let database = try StoreDatabase(path: path)
        defer { try? database.close() }
        let volume = Self.record("vol-0123456789abcdef0")
        let inserted = try await database.write { db in
            try volume.insert(db)
            var modification = VolumeModificationRecord(
                volumeId: volume.id, state: .modifying, targetSizeGiB: 16, targetVolumeType: "gp3", targetIops: 3000,
                targetThroughput: 125, targetMultiAttachEnabled: false, original: volume, startTime: Date()
            )
            try modification.insert(db)
            return modification
        }
        #expect(inserted.id != nil)
        #expect(inserted.originalSizeGiB == 8)
        let fetched = try await database.read { db in try VolumeModificationRecord.fetchAll(db) }
        #expect(fetched.map(\.id) == [inserted.id])
        #expect(fetched.first?.state == .modifying)
        _ = try await database.write { db in try VolumeRecord.deleteOne(db, key: volume.id) }
        #expect(try await database.read { db in try VolumeModificationRecord.fetchCount(db) } == 0)
    }

    @Test("a tag is keyed by resource and key")
    func tagKey() async throws {
        let database = try StoreDatabase(path: path)
        defer { try? database.close() }
        try await database.write { db in
            try TagRecord(resourceId: "vol-1", resourceType: "volume", key: "k", value: "a").insert(db)
            try TagRecord(resourceId: "vol-2", resourceType: "volume", key: "k", value: "b").insert(db)
            try TagRecord(resourceId: "vol-1", resourceType: "volume", key: "k", value: "c").upsert(db)
        }
        let tags = try await database.read { db in try TagRecord.order(TagRecord.Columns.resourceId).fetchAll(db) }
        #expect(tags.map(\.value) == ["c", "b"])
        await #expect(throws: DatabaseError.self) {
            try await database.write { db in
                try TagRecord(resourceId: "vol-1", resourceType: "volume", key: "k", value: "d").insert(db)
            }
        }
    }

    @Test("a path in a missing directory cannot be opened")
    func badPath() {
        #expect(throws: (any Error).self) {
            _ = try StoreDatabase(path: self.temporary.appending("missing/iaas.sqlite"))
        }
    }
}
