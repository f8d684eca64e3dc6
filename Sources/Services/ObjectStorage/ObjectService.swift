import API
import Foundation
import GRDB
import Logging
import Store
import Synchronization

/// S3: buckets and objects as rows of the control plane, their bytes as content-addressed blobs stored in
/// every zone of the bucket's region (`BlobStore`).
///
/// A put streams the body into blobs of at most `chunkSize` bytes, each written durably into a majority of
/// the zones, then commits the object's row and its chunk rows in one transaction, and only then answers;
/// the other zones catch up in the background. A crash before the commit leaves blobs no row refers to,
/// which `BlobCollector` removes after its grace period; a crash after leaves a whole object.
public struct ObjectService: Sendable {
    let database: StoreDatabase
    let catalog: RegionCatalog
    let account: String
    let stores: [String: BlobStore]
    /// Blobs a put has written and not yet committed rows for: the collector leaves them alone.
    let pins = BlobPins()
    /// Bucket regions already looked up: a put finds its blob store without a read of its own.
    let regions = BucketRegions()
    let logger = Logger(label: "iaas.s3")

    /// Objects are cut into blobs of this size: identical data is stored once, and a ranged read touches only
    /// the blobs it needs.
    static let chunkSize = 8 << 20
    /// The largest object one PutObject takes, as in S3.
    public static let maxPutSize = 5 << 30

    /// A small blob's bytes (and the zones whose copy was damaged), read off the event loops.
    static func readSmall(_ digest: BlobDigest, from store: BlobStore) async throws -> (bytes: [UInt8], damaged: [Int])
    {
        try await BlockingIO.run { () throws -> ([UInt8], [Int]) in try store.readSmallNow(digest) }
    }

    public init(database: StoreDatabase, dataDirectory: DataDirectory, catalog: RegionCatalog, account: String) {
        self.database = database
        self.catalog = catalog
        self.account = account
        var stores: [String: BlobStore] = [:]
        for region in catalog.regions {
            stores[region.regionName] = BlobStore(zones: region.zones.map { dataDirectory.zone($0.zoneName) })
        }
        self.stores = stores
    }

    /// The region of buckets created without a LocationConstraint: the first configured.
    var defaultRegion: String { catalog.regions.first?.regionName ?? "us-east-1" }

    func store(of bucket: BucketRecord) throws(CloudError) -> BlobStore {
        try store(bucket.name, in: bucket.region)
    }

    func store(_ bucket: String, in region: String) throws(CloudError) -> BlobStore {
        guard let store = stores[region] else {
            throw .internalError("The bucket \(bucket)'s region \(region) is not configured.")
        }
        return store
    }

    /// The bucket's region, from the cache or the database (NoSuchBucket). A write that relies on it checks
    /// the bucket again in its transaction (`writeInBucket`).
    func region(ofBucket name: String) async throws(CloudError) -> String {
        if let region = regions[name] { return region }
        let bucket = try await database.readOrThrow { db in try Self.bucket(name, in: db) }
        regions[name] = bucket.region
        return bucket.region
    }

    /// A grouped write (`writeOrThrow(grouped:)`) that first checks that the bucket still exists in the
    /// region the request's blobs went to: it may have gone, or gone and come back elsewhere
    /// (OperationAborted), while the body streamed. Either way the cached region is dropped.
    func writeInBucket<T: Sendable>(
        _ name: String, region: String,
        _ updates: @escaping @Sendable (BucketRecord, Database) throws(CloudError) -> T
    ) async throws(CloudError) -> T {
        do {
            return try await database.writeOrThrow(grouped: true) { db throws(CloudError) in
                let bucket = try Self.bucket(name, in: db)
                guard bucket.region == region else {
                    throw CloudError(
                        code: "OperationAborted",
                        message: "The bucket \(name) was deleted and created again while the request ran; try again.",
                        status: 409)
                }
                return try updates(bucket, db)
            }
        } catch {
            if ["NoSuchBucket", "OperationAborted"].contains(error.code) { regions[name] = nil }
            throw error
        }
    }

    /// The bucket, or NoSuchBucket. (Every object request asks: the statement is prepared once.)
    static func bucket(_ name: String, in db: Database) throws(CloudError) -> BucketRecord {
        let request = SQLRequest<BucketRecord>(
            sql: "SELECT * FROM bucket WHERE name = ?", arguments: [name], cached: true)
        guard let bucket = try db.catching({ try request.fetchOne(db) }) else {
            throw S3Errors.noSuchBucket(name)
        }
        return bucket
    }

    /// Removes every version of a key (their chunk and tag rows go with them); returns whether there was one.
    @discardableResult
    static func deleteStoredObject(_ bucket: String, _ key: String, in db: Database) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM object WHERE bucket = ? AND key = ?").execute(arguments: [bucket, key])
        return db.changesCount > 0
    }

    /// The current object of a key, if there is one (its latest version, unless that is a delete marker).
    static func storedObject(_ bucket: String, _ key: String, in db: Database) throws -> ObjectRecord? {
        try SQLRequest<ObjectRecord>(
            sql: "SELECT * FROM object WHERE bucket = ? AND key = ? AND isLatest AND NOT isDeleteMarker",
            arguments: [bucket, key], cached: true
        ).fetchOne(db)
    }

    /// One version of a key (perhaps a delete marker), if there is one.
    static func storedVersion(_ bucket: String, _ key: String, _ versionId: String, in db: Database) throws
        -> ObjectRecord?
    {
        try SQLRequest<ObjectRecord>(
            sql: "SELECT * FROM object WHERE bucket = ? AND key = ? AND versionId = ?",
            arguments: [bucket, key, versionId], cached: true
        ).fetchOne(db)
    }
}

/// Digests a put wrote and has not committed yet. The collector removes a blob only while holding this
/// lock and only if the blob is not pinned, so a put that finds a blob already present (deduplicated) can
/// pin it first and rely on it.
final class BlobPins: Sendable {
    private let pinned = Mutex<[BlobDigest: Int]>([:])

    func pin(_ digest: BlobDigest) {
        pinned.withLock { $0[digest, default: 0] += 1 }
    }

    func unpin(_ digests: [BlobDigest]) {
        pinned.withLock { pinned in
            for digest in digests {
                let count = (pinned[digest] ?? 1) - 1
                pinned[digest] = count > 0 ? count : nil
            }
        }
    }

    /// Runs `body` (a removal) unless the digest is pinned; the lock is held meanwhile.
    func unlessPinned(_ digest: BlobDigest, _ body: () -> Void) {
        pinned.withLock { pinned in
            if pinned[digest] == nil { body() }
        }
    }
}

/// Bucket name → region, for buckets a request has named. A bucket's region never changes; DeleteBucket
/// removes its entry, and a name made again elsewhere in between is caught by the writer's own check.
final class BucketRegions: Sendable {
    private let regions = Mutex<[String: String]>([:])

    subscript(bucket: String) -> String? {
        get { regions.withLock { $0[bucket] } }
        set { regions.withLock { $0[bucket] = newValue } }
    }
}
