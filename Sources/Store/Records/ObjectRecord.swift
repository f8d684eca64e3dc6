import Foundation
import GRDB

/// A row of the `object` table: one version of an S3 object (or a delete marker), and its metadata. Its
/// bytes are the blobs of its `ObjectChunkRecord`s, in order. A key's versions are ordered by `sequence`;
/// exactly one is `isLatest`. A bucket whose versioning was never on holds only `null` versions.
public struct ObjectRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "object"
    /// The version id of objects written while versioning was off or suspended.
    public static let nullVersion = "null"

    public var bucket: String
    public var key: String
    public var versionId: String
    /// The version's place among its key's versions: larger is newer.
    public var sequence: Int64
    public var isLatest: Bool
    /// A delete marker has no bytes: a key whose latest version is one reads as absent.
    public var isDeleteMarker: Bool
    public var size: Int64
    /// The quoted MD5 of the bytes, as S3 shows it: `"9b2cf535f27731c974343645a3985328"`.
    public var etag: String
    public var contentType: String
    /// User metadata (`x-amz-meta-*`), as JSON.
    public var metadata: String
    public var lastModified: Date
    /// The checksum the bytes were stored with, when the client sent one (S3's `x-amz-checksum-*`): its
    /// algorithm as S3 names it (`CRC32`, `CRC32C`, `CRC64NVME`, `SHA1`, `SHA256`) and its base64 value.
    public var checksumAlgorithm: String?
    public var checksumValue: String?

    /// A version not yet stored: `ObjectService.install` gives it its version id, sequence and latest flag.
    public init(
        bucket: String, key: String, size: Int64, etag: String, contentType: String, metadata: String,
        lastModified: Date, isDeleteMarker: Bool = false
    ) {
        self.bucket = bucket
        self.key = key
        versionId = Self.nullVersion
        sequence = 0
        isLatest = true
        self.isDeleteMarker = isDeleteMarker
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
    public var versionId: String
    public var index: Int
    public var digest: String
    public var size: Int64

    public init(bucket: String, key: String, versionId: String, index: Int, digest: String, size: Int64) {
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
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
