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
    let logger = Logger(label: "iaas.s3")

    /// Objects are cut into blobs of this size: identical data is stored once, and a ranged read touches only
    /// the blobs it needs.
    static let chunkSize = 8 << 20
    /// The largest object one PutObject takes, as in S3.
    public static let maxPutSize = 5 << 30

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
        guard let store = stores[bucket.region] else {
            throw .internalError("The bucket \(bucket.name)'s region \(bucket.region) is not configured.")
        }
        return store
    }

    /// The bucket, or NoSuchBucket.
    static func bucket(_ name: String, in db: Database) throws(CloudError) -> BucketRecord {
        guard let bucket = try db.catching({ try BucketRecord.fetchOne(db, key: name) }) else {
            throw S3Errors.noSuchBucket(name)
        }
        return bucket
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
