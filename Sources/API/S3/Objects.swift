import Foundation

/// `s3.PutObject`: the object's bytes follow the request's line (`Body` is `{"$bytes": N}`).
public struct PutObjectRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var body: PayloadField
    public var contentType: String?
    /// Base64 of the body's MD5; the put fails with BadDigest when the bytes do not match it.
    public var contentMD5: String?
    /// User metadata (`x-amz-meta-*` in S3's REST protocol).
    public var metadata: WireMap<String>?
    /// Tags, URL-encoded as S3's `x-amz-tagging` header holds them: `k1=v1&k2=v2`.
    public var tagging: String?

    public init(
        bucket: String, key: String, body: PayloadField, contentType: String? = nil, contentMD5: String? = nil,
        metadata: WireMap<String>? = nil, tagging: String? = nil
    ) {
        self.bucket = bucket
        self.key = key
        self.body = body
        self.contentType = contentType
        self.contentMD5 = contentMD5
        self.metadata = metadata
        self.tagging = tagging
    }
}

public struct PutObjectResult: Codable, Sendable, Equatable {
    public var eTag: String
    /// The new version's id in a bucket whose versioning is on or suspended (`null` when suspended).
    public var versionId: String?

    public init(eTag: String, versionId: String? = nil) {
        self.eTag = eTag
        self.versionId = versionId
    }
}

/// `s3.GetObject` and `s3.HeadObject`: `Range` (`bytes=0-99`, `bytes=100-`, `bytes=-100`) and S3's
/// conditions.
public struct GetObjectRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var range: String?
    public var ifMatch: String?
    public var ifNoneMatch: String?
    public var ifModifiedSince: Date?
    public var ifUnmodifiedSince: Date?
    /// A version other than the current one.
    public var versionId: String?
    /// `ENABLED`: the answer carries the checksum stored with the object (of the whole object: not for a
    /// range), as S3's `x-amz-checksum-mode`.
    public var checksumMode: String?

    public init(
        bucket: String, key: String, range: String? = nil, ifMatch: String? = nil, ifNoneMatch: String? = nil,
        ifModifiedSince: Date? = nil, ifUnmodifiedSince: Date? = nil, versionId: String? = nil,
        checksumMode: String? = nil
    ) {
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
        self.checksumMode = checksumMode
        self.range = range
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
    }
}

/// What GetObject answers; its `Body` (`{"$bytes": N}`) is followed by the bytes. HeadObject answers the
/// same without a body.
public struct GetObjectResult: Codable, Sendable, Equatable {
    public var body: PayloadField?
    public var contentLength: Int64
    /// `bytes 0-99/1234` for a ranged read.
    public var contentRange: String?
    public var eTag: String
    public var contentType: String
    public var lastModified: Date
    public var metadata: WireMap<String>
    public var acceptRanges: String
    /// In a bucket whose versioning is on or suspended.
    public var versionId: String?
    /// How many tags the object has, when it has any.
    public var tagCount: Int?
    /// The checksum the object was stored with (base64, as S3's `x-amz-checksum-*`), when asked for.
    public var checksumCRC32: String?
    public var checksumCRC32C: String?
    public var checksumCRC64NVME: String?
    public var checksumSHA1: String?
    public var checksumSHA256: String?
    /// `FULL_OBJECT` when a checksum is given.
    public var checksumType: String?

    public init(
        body: PayloadField?, contentLength: Int64, contentRange: String?, eTag: String, contentType: String,
        lastModified: Date, metadata: WireMap<String>, acceptRanges: String = "bytes", versionId: String? = nil,
        tagCount: Int? = nil
    ) {
        self.versionId = versionId
        self.tagCount = tagCount
        self.body = body
        self.contentLength = contentLength
        self.contentRange = contentRange
        self.eTag = eTag
        self.contentType = contentType
        self.lastModified = lastModified
        self.metadata = metadata
        self.acceptRanges = acceptRanges
    }
}

/// `s3.DeleteObject` (deleting a key that does not exist succeeds, as in S3) and the object tagging calls.
public struct ObjectRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    /// One version, rather than the current one: DeleteObject removes it for good.
    public var versionId: String?

    public init(bucket: String, key: String, versionId: String? = nil) {
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
    }
}

/// What `s3.DeleteObject` answers: in a versioned bucket, the delete marker it made or the version it removed.
public struct DeleteObjectResult: Codable, Sendable, Equatable {
    public var deleteMarker: Bool?
    public var versionId: String?

    public init(deleteMarker: Bool? = nil, versionId: String? = nil) {
        self.deleteMarker = deleteMarker
        self.versionId = versionId
    }
}

/// `s3.ListObjectsV2`.
public struct ListObjectsV2Request: Codable, Sendable {
    public var bucket: String
    public var prefix: String?
    public var delimiter: String?
    public var startAfter: String?
    public var continuationToken: String?
    /// 1 to 1000 (default 1000).
    public var maxKeys: Int?

    public init(
        bucket: String, prefix: String? = nil, delimiter: String? = nil, startAfter: String? = nil,
        continuationToken: String? = nil, maxKeys: Int? = nil
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter
        self.startAfter = startAfter
        self.continuationToken = continuationToken
        self.maxKeys = maxKeys
    }
}

public struct ListObjectsV2Result: Codable, Sendable, Equatable {
    public var name: String
    public var prefix: String?
    public var delimiter: String?
    public var maxKeys: Int
    public var keyCount: Int
    public var isTruncated: Bool
    public var contents: [S3Object]
    public var commonPrefixes: [CommonPrefix]
    public var continuationToken: String?
    public var nextContinuationToken: String?
    public var startAfter: String?

    public init(
        name: String, prefix: String?, delimiter: String?, maxKeys: Int, keyCount: Int, isTruncated: Bool,
        contents: [S3Object], commonPrefixes: [CommonPrefix], continuationToken: String?,
        nextContinuationToken: String?, startAfter: String?
    ) {
        self.name = name
        self.prefix = prefix
        self.delimiter = delimiter
        self.maxKeys = maxKeys
        self.keyCount = keyCount
        self.isTruncated = isTruncated
        self.contents = contents
        self.commonPrefixes = commonPrefixes
        self.continuationToken = continuationToken
        self.nextContinuationToken = nextContinuationToken
        self.startAfter = startAfter
    }
}

public struct S3Object: Codable, Sendable, Equatable {
    public var key: String
    public var lastModified: Date
    public var eTag: String
    public var size: Int64
    public var storageClass: String

    public init(key: String, lastModified: Date, eTag: String, size: Int64, storageClass: String = "STANDARD") {
        self.key = key
        self.lastModified = lastModified
        self.eTag = eTag
        self.size = size
        self.storageClass = storageClass
    }
}

public struct CommonPrefix: Codable, Sendable, Equatable {
    public var prefix: String

    public init(prefix: String) {
        self.prefix = prefix
    }
}
