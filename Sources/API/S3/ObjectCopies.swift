import Foundation

/// `s3.CopyObject`: `CopySource` is `bucket/key` (URL-encoded, an optional leading `/`); the copy shares
/// the source's stored bytes. `MetadataDirective` `COPY` (default) keeps the source's content type and
/// metadata, `REPLACE` takes the request's; `TaggingDirective` does the same for tags.
public struct CopyObjectRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var copySource: String
    public var metadataDirective: String?
    public var contentType: String?
    public var metadata: WireMap<String>?
    public var copySourceIfMatch: String?
    public var copySourceIfNoneMatch: String?
    public var copySourceIfModifiedSince: Date?
    public var copySourceIfUnmodifiedSince: Date?
    /// `COPY` (default) keeps the source's tags, `REPLACE` takes `Tagging`.
    public var taggingDirective: String?
    /// Tags as S3's `x-amz-tagging` header gives them: `k1=v1&k2=v2`.
    public var tagging: String?

    public init(
        bucket: String, key: String, copySource: String, metadataDirective: String? = nil,
        contentType: String? = nil, metadata: WireMap<String>? = nil, copySourceIfMatch: String? = nil,
        copySourceIfNoneMatch: String? = nil, copySourceIfModifiedSince: Date? = nil,
        copySourceIfUnmodifiedSince: Date? = nil, taggingDirective: String? = nil, tagging: String? = nil
    ) {
        self.taggingDirective = taggingDirective
        self.tagging = tagging
        self.bucket = bucket
        self.key = key
        self.copySource = copySource
        self.metadataDirective = metadataDirective
        self.contentType = contentType
        self.metadata = metadata
        self.copySourceIfMatch = copySourceIfMatch
        self.copySourceIfNoneMatch = copySourceIfNoneMatch
        self.copySourceIfModifiedSince = copySourceIfModifiedSince
        self.copySourceIfUnmodifiedSince = copySourceIfUnmodifiedSince
    }
}

public struct CopyObjectResult: Codable, Sendable, Equatable {
    public var copyObjectResult: CopyObjectResultDetails
    /// The copy's version, in a bucket whose versioning is on or suspended.
    public var versionId: String?
    /// The version copied, when the source bucket's versioning is on or suspended.
    public var copySourceVersionId: String?

    public init(
        copyObjectResult: CopyObjectResultDetails, versionId: String? = nil, copySourceVersionId: String? = nil
    ) {
        self.copyObjectResult = copyObjectResult
        self.versionId = versionId
        self.copySourceVersionId = copySourceVersionId
    }
}

public struct CopyObjectResultDetails: Codable, Sendable, Equatable {
    public var eTag: String
    public var lastModified: Date

    public init(eTag: String, lastModified: Date) {
        self.eTag = eTag
        self.lastModified = lastModified
    }
}

/// `s3.DeleteObjects`: up to 1,000 keys in one request.
public struct DeleteObjectsRequest: Codable, Sendable {
    public var bucket: String
    public var delete: Delete

    public init(bucket: String, delete: Delete) {
        self.bucket = bucket
        self.delete = delete
    }

    public struct Delete: Codable, Sendable {
        public var objects: [ObjectIdentifier]
        /// Only errors are reported.
        public var quiet: Bool?

        public init(objects: [ObjectIdentifier], quiet: Bool? = nil) {
            self.objects = objects
            self.quiet = quiet
        }
    }

    public struct ObjectIdentifier: Codable, Sendable {
        public var key: String
        public var versionId: String?

        public init(key: String, versionId: String? = nil) {
            self.key = key
            self.versionId = versionId
        }
    }
}

public struct DeleteObjectsResult: Codable, Sendable, Equatable {
    public var deleted: [DeletedObject]
    public var errors: [DeleteError]

    public init(deleted: [DeletedObject], errors: [DeleteError]) {
        self.deleted = deleted
        self.errors = errors
    }
}

public struct DeletedObject: Codable, Sendable, Equatable {
    public var key: String
    /// The version removed, when the request named one.
    public var versionId: String?
    /// Whether a delete marker was made, or the version removed was one.
    public var deleteMarker: Bool?
    public var deleteMarkerVersionId: String?

    public init(key: String, versionId: String? = nil, deleteMarker: Bool? = nil, deleteMarkerVersionId: String? = nil)
    {
        self.key = key
        self.versionId = versionId
        self.deleteMarker = deleteMarker
        self.deleteMarkerVersionId = deleteMarkerVersionId
    }
}

public struct DeleteError: Codable, Sendable, Equatable {
    public var key: String
    public var code: String
    public var message: String

    public init(key: String, code: String, message: String) {
        self.key = key
        self.code = code
        self.message = message
    }
}
