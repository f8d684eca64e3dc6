import Foundation
import GRDB
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A zone's small blobs, as rows of one SQLite file (`zones/<az>/blobs.sqlite`, WAL, `synchronous=FULL`):
/// a file per 4 KiB blob costs a journal commit per blob on ext4 (~20 ms here), where rows written together
/// share one fsync of the log. Each row is a blob's digest, its bytes and when it was last written (for the
/// collector's grace period). Writes are idempotent: the same digest is the same bytes.
public final class BlobPack: Sendable {
    public let path: FilePath
    private let pool: DatabasePool

    public init(path: FilePath) throws {
        self.path = path
        pool = try StoreDatabase.openDurable(path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-blobs") { db in
            try db.create(table: "blob") { t in
                t.primaryKey("digest", .text)
                t.column("bytes", .blob).notNull()
                t.column("touched", .double).notNull().indexed()
            }
        }
        try migrator.migrate(pool)
    }

    /// Stores blobs in one transaction (one fsync); a blob already present only has its time renewed.
    public func put(_ blobs: [(digest: BlobDigest, bytes: [UInt8])]) async throws {
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            for blob in blobs {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO blob (digest, bytes, touched) VALUES (?, ?, ?)
                        ON CONFLICT(digest) DO UPDATE SET touched = excluded.touched
                        """
                ).execute(arguments: [blob.digest.hex, Data(blob.bytes), now])
            }
        }
    }

    /// Writes a blob over whatever this zone holds under its digest (a corrupt copy being repaired).
    public func replace(_ digest: BlobDigest, _ bytes: [UInt8]) async throws {
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO blob (digest, bytes, touched) VALUES (?, ?, ?)",
                arguments: [digest.hex, Data(bytes), now])
        }
    }

    /// A blob's bytes, if this zone holds it.
    public func get(_ digest: BlobDigest) async throws -> [UInt8]? {
        try await pool.read { db in try Self.get(digest, in: db) }
    }

    /// `get` on the calling thread: an indexed read of a page that is usually cached, for a caller already
    /// off the event loops (a read of the control plane fetching the small object it found).
    public func getNow(_ digest: BlobDigest) throws -> [UInt8]? {
        try pool.read { db in try Self.get(digest, in: db) }
    }

    private static func get(_ digest: BlobDigest, in db: Database) throws -> [UInt8]? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM blob WHERE digest = ?"), arguments: [digest.hex])
            .map { [UInt8]($0) }
    }

    /// The digests of the blobs held, with the time each was last written.
    public func list() async throws -> [(digest: BlobDigest, touched: Date)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT digest, touched FROM blob").compactMap { row in
                BlobDigest(hex: row["digest"]).map { ($0, Date(timeIntervalSince1970: row["touched"])) }
            }
        }
    }

    /// Removes the blobs not written since `cutoff`; returns how many went.
    public func remove(_ digests: [BlobDigest], untouchedSince cutoff: Date) async throws -> Int {
        try await pool.write { db in
            var removed = 0
            for digest in digests {
                try db.execute(
                    sql: "DELETE FROM blob WHERE digest = ? AND touched < ?",
                    arguments: [digest.hex, cutoff.timeIntervalSince1970])
                removed += db.changesCount
            }
            return removed
        }
    }
}

/// Gathers the blobs that arrive for one pack while its previous transaction commits, and commits them
/// together: concurrent small puts share one fsync, with no timer and no wait for a lone writer.
///
/// The pack is opened when first used and opened afresh when its file is gone or replaced (the zone's
/// directory was lost while the daemon ran): writes then go to a file that exists, and the zone's blobs
/// come back as the collector and scrub copy them in, rather than into a deleted file that the next start
/// would not find.
public final class BlobPackCommitter: Sendable {
    public let path: FilePath
    private let opener: PackOpener
    private let group: GroupCommit<(digest: BlobDigest, bytes: [UInt8])>

    public init(path: FilePath) {
        self.path = path
        let opener = PackOpener(path: path)
        self.opener = opener
        group = GroupCommit { blobs in try await opener.pack.put(blobs) }
    }

    /// The pack at `path`, opened (and its directories made) if it is not open or its file changed.
    public var pack: BlobPack {
        get throws { try opener.pack }
    }

    /// Returns once the blob is durable in this pack.
    public func put(_ digest: BlobDigest, _ bytes: [UInt8]) async throws {
        try await group.submit([(digest, bytes)])
    }
}

/// Keeps a pack open, and opens it afresh when the file at its path is gone or another file.
private final class PackOpener: Sendable {
    let path: FilePath
    private let opened = Mutex<(pack: BlobPack, device: UInt64, inode: UInt64)?>(nil)

    init(path: FilePath) {
        self.path = path
    }

    var pack: BlobPack {
        get throws {
            var info = stat()
            let present = stat(path.string, &info) == 0
            return try opened.withLock { opened in
                if let current = opened, present, current.device == UInt64(info.st_dev),
                    current.inode == UInt64(info.st_ino)
                {
                    return current.pack
                }
                try DurableFiles.makeDirectories(path.removingLastComponent())
                let pack = try BlobPack(path: path)
                guard stat(path.string, &info) == 0 else {
                    throw FileSystemError("stat", path: path.string, errno: Errno(rawValue: errno))
                }
                opened = (pack, UInt64(info.st_dev), UInt64(info.st_ino))
                return pack
            }
        }
    }
}
