import Foundation
import GRDB

/// A row of the `object` table: an S3 object's metadata. Its bytes are the blobs of its `ObjectChunkRecord`s,
/// in order.
public struct ObjectRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "object"

    public var bucket: String
    public var key: String
    public var size: Int64
    /// The quoted MD5 of the bytes, as S3 shows it: `"9b2cf535f27731c974343645a3985328"`.
    public var etag: String
    public var contentType: String
    /// User metadata (`x-amz-meta-*`), as JSON.
    public var metadata: String
    public var lastModified: Date

    public init(
        bucket: String, key: String, size: Int64, etag: String, contentType: String, metadata: String,
        lastModified: Date
    ) {
        self.bucket = bucket
        self.key = key
        self.size = size
        self.etag = etag
        self.contentType = contentType
        self.metadata = metadata
        self.lastModified = lastModified
    }

    public enum Columns {
        public static let bucket = Column(CodingKeys.bucket)
        public static let key = Column(CodingKeys.key)
    }
}

/// A row of the `objectChunk` table: the `index`th piece of an object's bytes, a blob of `size` bytes.
public struct ObjectChunkRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "objectChunk"

    public var bucket: String
    public var key: String
    public var index: Int
    public var digest: String
    public var size: Int64

    public init(bucket: String, key: String, index: Int, digest: String, size: Int64) {
        self.bucket = bucket
        self.key = key
        self.index = index
        self.digest = digest
        self.size = size
    }

    public enum Columns {
        public static let bucket = Column(CodingKeys.bucket)
        public static let key = Column(CodingKeys.key)
        public static let digest = Column(CodingKeys.digest)
    }
}
