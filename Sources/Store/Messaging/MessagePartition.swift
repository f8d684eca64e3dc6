import Foundation
import GRDB
import SystemPackage

/// One zone's share of the region's queues: `zones/<az>/sqs.sqlite`, WAL, `synchronous=FULL`.
///
/// Every partition of a region holds every message; a send is acknowledged once a majority of them have
/// committed it (`ReplicatedPartitions` in Services). Writes are idempotent and versioned, so a partition
/// can be written late, twice, or in another order than its peers and still converge.
public final class MessagePartition: Sendable {
    public let zone: String
    public let path: FilePath
    private let pool: DatabasePool
    /// The file's identity when opened: a partition whose file was deleted or replaced is lost.
    private let inode: (device: UInt64, inode: UInt64)

    public init(zone: String, path: FilePath) throws {
        self.zone = zone
        self.path = path
        pool = try StoreDatabase.openDurable(path)
        try Self.migrator.migrate(pool)
        guard let identity = Self.identity(of: path) else {
            throw DatabaseError(resultCode: .SQLITE_CANTOPEN, message: "\(path) vanished while opening")
        }
        inode = identity
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-messages") { db in
            try db.create(table: MessageRow.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("rowid")
                t.column("queue", .text).notNull()
                t.column("id", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("body", .blob)
                t.column("attributes", .blob)
                t.column("md5OfBody", .text).notNull()
                t.column("md5OfAttributes", .text)
                t.column("sentAt", .double).notNull()
                t.column("visibleAt", .double).notNull()
                t.column("receiveCount", .integer).notNull()
                t.column("firstReceiveAt", .double)
                t.column("version", .integer).notNull()
                t.column("deleted", .boolean).notNull()
                t.uniqueKey(["queue", "id"])
            }
            try db.create(
                index: "message_on_sequence", on: MessageRow.databaseTableName, columns: ["queue", "sequence"])
            // Only tombstones, by age, for the sweep. An index of every row on `deleted` would tempt the
            // planner into scanning every live message for a lookup by id (`deleted = 0` on a boolean).
            try db.execute(sql: "CREATE INDEX message_tombstones ON message(visibleAt) WHERE deleted")
        }
        migrator.registerMigration("v2-fifo") { db in
            try db.alter(table: MessageRow.databaseTableName) { t in
                t.add(column: "groupId", .text)
                t.add(column: "deduplicationId", .text)
            }
            try db.create(table: DeduplicationRow.databaseTableName) { t in
                t.column("queue", .text).notNull()
                t.column("key", .text).notNull()
                t.column("messageId", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("at", .double).notNull()
                t.primaryKey(["queue", "key"])
            }
            try db.create(index: "deduplication_on_at", on: DeduplicationRow.databaseTableName, columns: ["at"])
        }
        return migrator
    }

    private static func identity(of path: FilePath) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path.string, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Whether the file opened is still the one at `path` (not deleted, not replaced).
    public var isIntact: Bool {
        guard let now = Self.identity(of: path) else { return false }
        return now == inode
    }

    /// Applies writes in one transaction: one fsync for all of them (group commit). The statements are
    /// prepared once per connection: parsing SQL was a tenth of the time of a batched send.
    public func apply(_ writes: [MessageWrite]) async throws {
        try await pool.write { db in
            for write in writes {
                switch write {
                case .put(let row):
                    // A put carries the whole row: a newer one replaces what is there, a tombstone included
                    // (a message moved back to the queue it was moved out of).
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO message (queue, id, sequence, body, attributes, md5OfBody, md5OfAttributes,
                                sentAt, visibleAt, receiveCount, firstReceiveAt, version, deleted, groupId,
                                deduplicationId)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (queue, id) DO UPDATE SET
                                sequence = excluded.sequence, body = excluded.body,
                                attributes = excluded.attributes, md5OfBody = excluded.md5OfBody,
                                md5OfAttributes = excluded.md5OfAttributes, sentAt = excluded.sentAt,
                                visibleAt = excluded.visibleAt, receiveCount = excluded.receiveCount,
                                firstReceiveAt = excluded.firstReceiveAt, version = excluded.version,
                                deleted = excluded.deleted, groupId = excluded.groupId,
                                deduplicationId = excluded.deduplicationId
                            WHERE excluded.version > message.version
                            """
                    ).execute(
                        arguments: [
                            row.queue, row.id, row.sequence, row.deleted ? nil : row.body,
                            row.deleted ? nil : row.attributes, row.md5OfBody, row.md5OfAttributes, row.sentAt,
                            row.visibleAt, row.receiveCount, row.firstReceiveAt, row.version, row.deleted,
                            row.groupId, row.deduplicationId,
                        ])
                case .state(let queue, let id, let visibleAt, let receiveCount, let firstReceiveAt, let version):
                    try db.cachedStatement(
                        sql: """
                            UPDATE message SET visibleAt = ?, receiveCount = ?, firstReceiveAt = ?, version = ?
                            WHERE queue = ? AND id = ? AND version < ? AND NOT deleted
                            """
                    ).execute(arguments: [visibleAt, receiveCount, firstReceiveAt, version, queue, id, version])
                case .delete(let queue, let id, let version, let at):
                    // A tombstone, even where the row is not (yet): a partition catching up must not take an
                    // older copy of a deleted message. It keeps when it was made in `visibleAt`, for the sweep.
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO message (queue, id, sequence, md5OfBody, sentAt, visibleAt, receiveCount,
                                version, deleted)
                            VALUES (?, ?, 0, '', ?, ?, 0, ?, 1)
                            ON CONFLICT (queue, id) DO UPDATE SET deleted = 1, body = NULL, attributes = NULL,
                                version = excluded.version, visibleAt = excluded.visibleAt
                            WHERE excluded.version > message.version
                            """
                    ).execute(arguments: [queue, id, at, at, version])
                case .deduplication(let row):
                    // The first send with a key wins: a retry that reaches a partition twice changes nothing.
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO deduplication (queue, key, messageId, sequence, at) VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT (queue, key) DO NOTHING
                            """
                    ).execute(arguments: [row.queue, row.key, row.messageId, row.sequence, row.at])
                }
            }
        }
    }

    /// The delivery state of every message and tombstone, without bodies: how the daemon rebuilds its index.
    public func states() async throws -> [MessageState] {
        try await pool.read { db in
            try MessageState.fetchAll(
                db,
                sql: """
                    SELECT queue, id, sequence, sentAt, visibleAt, receiveCount, firstReceiveAt, version, deleted,
                        COALESCE(length(body), 0) AS bodySize, groupId
                    FROM message
                    """)
        }
    }

    /// Whole rows, bodies included, of the given messages of a queue that this partition holds undeleted.
    public func rows(queue: String, ids: [String]) async throws -> [MessageRow] {
        guard !ids.isEmpty else { return [] }
        // A prepared statement per list length (receives ask for 1 to 10): no SQL to build or parse per call.
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let sql = "SELECT * FROM message WHERE queue = ? AND id IN (\(placeholders)) AND NOT deleted"
        return try await pool.read { db in
            try MessageRow.fetchAll(
                db.cachedStatement(sql: sql), arguments: StatementArguments([queue] + ids))
        }
    }

    /// Removes every row of a queue (a deleted queue), and its deduplication ids.
    public func removeQueue(_ queue: String) async throws {
        _ = try await pool.write { db in
            try MessageRow.filter(MessageRow.Columns.queue == queue).deleteAll(db)
            try DeduplicationRow.filter(Column("queue") == queue).deleteAll(db)
        }
    }

    /// The deduplication ids remembered since `time`, for rebuilding the FIFO queues' windows.
    public func deduplications(since time: Double) async throws -> [DeduplicationRow] {
        try await pool.read { db in try DeduplicationRow.filter(Column("at") >= time).fetchAll(db) }
    }

    /// Forgets the deduplication ids remembered before `time` (their window has passed).
    public func removeDeduplications(before time: Double) async throws {
        _ = try await pool.write { db in try DeduplicationRow.filter(Column("at") < time).deleteAll(db) }
    }

    /// Removes the given rows outright (expired messages, extra rows of a partition catching up).
    public func remove(queue: String, ids: [String]) async throws {
        _ = try await pool.write { db in
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
                try MessageRow.filter(MessageRow.Columns.queue == queue)
                    .filter(Array(chunk).contains(MessageRow.Columns.id)).deleteAll(db)
            }
        }
    }

    /// Removes the rows of a queue whose send sequence is below `sequence` (PurgeQueue).
    public func removeSequenced(queue: String, before sequence: Int64) async throws {
        _ = try await pool.write { db in
            try db.execute(sql: "DELETE FROM message WHERE queue = ? AND sequence < ?", arguments: [queue, sequence])
        }
    }

    /// Removes tombstones made before `time`: by then every partition in service has its own.
    public func removeTombstones(before time: Double) async throws {
        _ = try await pool.write { db in
            try db.execute(sql: "DELETE FROM message WHERE deleted AND visibleAt < ?", arguments: [time])
        }
    }

    /// Whether the partition file at `path` holds any message (a tombstone is not one). Unreadable counts as
    /// holding: better to stop and ask than to start on data one cannot see.
    public static func holdsMessages(at path: FilePath) -> Bool {
        guard (try? DurableFiles.sizes(of: path)) != nil else { return false }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path.string, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists(MessageRow.databaseTableName) else { return false }
                return try MessageRow.filter(MessageRow.Columns.deleted == false).fetchCount(db) > 0
            }
        } catch {
            return true
        }
    }

    public func close() throws {
        try pool.close()
    }
}
