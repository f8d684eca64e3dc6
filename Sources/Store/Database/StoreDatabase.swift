import GRDB
import SystemPackage

/// The control plane's SQLite database: one file, WAL, `synchronous=FULL`, so a committed transaction
/// survives power loss, and readers never block the writer.
public final class StoreDatabase: Sendable {
    public let pool: DatabasePool

    /// Opens (creating if needed) and migrates the database.
    public init(path: FilePath) throws {
        pool = try DatabasePool(path: path.string, configuration: Self.durable)
        try Schema.migrator.migrate(pool)
    }

    /// How every database of the daemon is opened: WAL (a DatabasePool), `synchronous=FULL` so a commit
    /// survives power loss, and a generous busy timeout.
    public static var durable: Configuration {
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
