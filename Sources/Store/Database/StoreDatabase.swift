import GRDB
import SystemPackage

/// The control plane's SQLite database: one file, WAL, `synchronous=FULL`, so a committed transaction
/// survives power loss, and readers never block the writer.
public final class StoreDatabase: Sendable {
    public let pool: DatabasePool

    /// Opens (creating if needed) and migrates the database.
    public init(path: FilePath) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path.string, configuration: configuration)
        try Schema.migrator.migrate(pool)
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
