import Foundation

/// `s3.PutBucketVersioning`: `Enabled` keeps every version of every key; `Suspended` stops making new ones
/// (puts write the `null` version) but keeps those there are. A bucket never returns to unversioned.
public struct PutBucketVersioningRequest: Codable, Sendable {
    public var bucket: String
    public var versioningConfiguration: VersioningConfiguration

    public init(bucket: String, versioningConfiguration: VersioningConfiguration) {
        self.bucket = bucket
        self.versioningConfiguration = versioningConfiguration
    }
}

public struct VersioningConfiguration: Codable, Sendable, Equatable {
    /// `Enabled` or `Suspended`.
    public var status: String?
    /// Only `Disabled`: MFA delete needs a hardware token this cloud does not have.
    public var mfaDelete: String?

    public init(status: String?, mfaDelete: String? = nil) {
        self.status = status
        self.mfaDelete = mfaDelete
    }
}

/// What `s3.GetBucketVersioning` answers: no `Status` for a bucket whose versioning was never turned on.
public struct GetBucketVersioningResult: Codable, Sendable, Equatable {
    public var status: String?

    public init(status: String?) {
        self.status = status
    }
}

/// `s3.ListObjectVersions`: every version and delete marker, by key (UTF-8 byte order) and, within a
/// key, newest first; `KeyMarker` and `VersionIdMarker` resume after an entry.
public struct ListObjectVersionsRequest: Codable, Sendable {
    public var bucket: String
    public var prefix: String?
    public var delimiter: String?
    public var keyMarker: String?
    public var versionIdMarker: String?
    /// 1 to 1000 (default 1000).
    public var maxKeys: Int?

    public init(
        bucket: String, prefix: String? = nil, delimiter: String? = nil, keyMarker: String? = nil,
        versionIdMarker: String? = nil, maxKeys: Int? = nil
    ) {
        self.bucket = bucket
        self.prefix = prefix
        self.delimiter = delimiter
        self.keyMarker = keyMarker
        self.versionIdMarker = versionIdMarker
        self.maxKeys = maxKeys
    }
}

public struct ListObjectVersionsResult: Codable, Sendable, Equatable {
    public var name: String
    public var prefix: String?
    public var delimiter: String?
    public var keyMarker: String?
    public var versionIdMarker: String?
    public var maxKeys: Int
    public var isTruncated: Bool
    public var nextKeyMarker: String?
    public var nextVersionIdMarker: String?
    public var versions: [ObjectVersion]
    public var deleteMarkers: [DeleteMarkerEntry]
    public var commonPrefixes: [CommonPrefix]

    public init(
        name: String, prefix: String?, delimiter: String?, keyMarker: String?, versionIdMarker: String?,
        maxKeys: Int, isTruncated: Bool, nextKeyMarker: String?, nextVersionIdMarker: String?,
        versions: [ObjectVersion], deleteMarkers: [DeleteMarkerEntry], commonPrefixes: [CommonPrefix]
    ) {
        self.name = name
        self.prefix = prefix
        self.delimiter = delimiter
        self.keyMarker = keyMarker
        self.versionIdMarker = versionIdMarker
        self.maxKeys = maxKeys
        self.isTruncated = isTruncated
        self.nextKeyMarker = nextKeyMarker
        self.nextVersionIdMarker = nextVersionIdMarker
        self.versions = versions
        self.deleteMarkers = deleteMarkers
        self.commonPrefixes = commonPrefixes
    }
}

public struct ObjectVersion: Codable, Sendable, Equatable {
    public var key: String
    public var versionId: String
    public var isLatest: Bool
    public var lastModified: Date
    public var eTag: String
    public var size: Int64
    public var storageClass: String

    public init(
        key: String, versionId: String, isLatest: Bool, lastModified: Date, eTag: String, size: Int64,
        storageClass: String = "STANDARD"
    ) {
        self.key = key
        self.versionId = versionId
        self.isLatest = isLatest
        self.lastModified = lastModified
        self.eTag = eTag
        self.size = size
        self.storageClass = storageClass
    }
}

public struct DeleteMarkerEntry: Codable, Sendable, Equatable {
    public var key: String
    public var versionId: String
    public var isLatest: Bool
    public var lastModified: Date

    public init(key: String, versionId: String, isLatest: Bool, lastModified: Date) {
        self.key = key
        self.versionId = versionId
        self.isLatest = isLatest
        self.lastModified = lastModified
    }
}
