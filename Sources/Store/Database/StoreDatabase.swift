import GRDB
import SystemPackage

/// The control plane's SQLite database: one file, WAL, `synchronous=FULL`, so a committed transaction
/// survives power loss, and readers never block the writer.
public final class StoreDatabase: Sendable {
    public let pool: DatabasePool
    /// Writes that share a transaction (`writeGrouped`).
    let grouped: GroupCommit<GroupedWrite>

    /// Opens (creating if needed) and migrates the database.
    public init(path: FilePath) throws {
        let pool = try Self.openDurable(path)
        self.pool = pool
        grouped = GroupCommit { writes in
            try await pool.write { db in
                for write in writes { write.run(db) }
            }
        }
        try Schema.migrator.migrate(pool)
    }

    /// Opens a database of the daemon: WAL (a DatabasePool), `synchronous=FULL` so that a commit survives
    /// power loss (the WAL is fsynced at each commit), and a generous busy timeout.
    ///
    /// GRDB puts a pool's writer in `synchronous=NORMAL` when it switches it to WAL, after
    /// `prepareDatabase` has run: a commit would then be safe from a crash of the daemon but not of the
    /// machine. FULL is set again on the writer once the pool is open.
    public static func openDurable(_ path: FilePath) throws -> DatabasePool {
        let pool = try DatabasePool(path: path.string, configuration: durable)
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    /// The configuration of `openDurable`: FULL on every connection it prepares.
    static var durable: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }

    /// Runs a write transaction.
    public func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.write(updates)
    }

    /// Runs a read on a snapshot of the database.
    public func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(value)
    }

    /// Flushes the WAL into the main file and closes every connection.
    public func close() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try pool.close()
    }
}
