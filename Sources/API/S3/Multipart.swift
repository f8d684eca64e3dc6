import Foundation

/// `s3.CreateMultipartUpload`.
public struct CreateMultipartUploadRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var contentType: String?
    public var metadata: WireMap<String>?
    /// The object's tags, URL-encoded as the `x-amz-tagging` header holds them: `k1=v1&k2=v2`.
    public var tagging: String?

    public init(
        bucket: String, key: String, contentType: String? = nil, metadata: WireMap<String>? = nil,
        tagging: String? = nil
    ) {
        self.bucket = bucket
        self.key = key
        self.contentType = contentType
        self.metadata = metadata
        self.tagging = tagging
    }
}

public struct CreateMultipartUploadResult: Codable, Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var uploadId: String

    public init(bucket: String, key: String, uploadId: String) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
    }
}

/// `s3.UploadPart`: part 1 to 10,000 of an upload; its bytes follow the line (`Body`).
public struct UploadPartRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var uploadId: String
    public var partNumber: Int
    public var body: PayloadField
    public var contentMD5: String?

    public init(
        bucket: String, key: String, uploadId: String, partNumber: Int, body: PayloadField, contentMD5: String? = nil
    ) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
        self.partNumber = partNumber
        self.body = body
        self.contentMD5 = contentMD5
    }
}

public struct UploadPartResult: Codable, Sendable, Equatable {
    public var eTag: String

    public init(eTag: String) {
        self.eTag = eTag
    }
}

/// `s3.UploadPartCopy`: a part made of an object's bytes (or a version's, `bucket/key?versionId=V`), all of
/// them or `CopySourceRange` (`bytes=FIRST-LAST`), on S3's conditions on the source.
public struct UploadPartCopyRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var uploadId: String
    public var partNumber: Int
    public var copySource: String
    public var copySourceRange: String?
    public var copySourceIfMatch: String?
    public var copySourceIfNoneMatch: String?
    public var copySourceIfModifiedSince: Date?
    public var copySourceIfUnmodifiedSince: Date?

    public init(
        bucket: String, key: String, uploadId: String, partNumber: Int, copySource: String,
        copySourceRange: String? = nil, copySourceIfMatch: String? = nil, copySourceIfNoneMatch: String? = nil,
        copySourceIfModifiedSince: Date? = nil, copySourceIfUnmodifiedSince: Date? = nil
    ) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
        self.partNumber = partNumber
        self.copySource = copySource
        self.copySourceRange = copySourceRange
        self.copySourceIfMatch = copySourceIfMatch
        self.copySourceIfNoneMatch = copySourceIfNoneMatch
        self.copySourceIfModifiedSince = copySourceIfModifiedSince
        self.copySourceIfUnmodifiedSince = copySourceIfUnmodifiedSince
    }
}

public struct UploadPartCopyResult: Codable, Sendable, Equatable {
    public var copyPartResult: CopyPartResult
    /// The version copied, when the source bucket's versioning is on or suspended.
    public var copySourceVersionId: String?

    public init(copyPartResult: CopyPartResult, copySourceVersionId: String? = nil) {
        self.copyPartResult = copyPartResult
        self.copySourceVersionId = copySourceVersionId
    }
}

public struct CopyPartResult: Codable, Sendable, Equatable {
    public var eTag: String
    public var lastModified: Date

    public init(eTag: String, lastModified: Date) {
        self.eTag = eTag
        self.lastModified = lastModified
    }
}

/// `s3.CompleteMultipartUpload`: the parts, in ascending order, with the ETags UploadPart returned.
public struct CompleteMultipartUploadRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var uploadId: String
    public var multipartUpload: CompletedMultipartUpload

    public init(bucket: String, key: String, uploadId: String, multipartUpload: CompletedMultipartUpload) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
        self.multipartUpload = multipartUpload
    }
}

public struct CompletedMultipartUpload: Codable, Sendable {
    public var parts: [CompletedPart]

    public init(parts: [CompletedPart]) {
        self.parts = parts
    }
}

public struct CompletedPart: Codable, Sendable {
    public var partNumber: Int
    public var eTag: String

    public init(partNumber: Int, eTag: String) {
        self.partNumber = partNumber
        self.eTag = eTag
    }
}

public struct CompleteMultipartUploadResult: Codable, Sendable, Equatable {
    public var location: String
    public var bucket: String
    public var key: String
    public var eTag: String
    public var versionId: String?

    public init(location: String, bucket: String, key: String, eTag: String, versionId: String? = nil) {
        self.location = location
        self.bucket = bucket
        self.key = key
        self.eTag = eTag
        self.versionId = versionId
    }
}

/// `s3.AbortMultipartUpload`.
public struct UploadRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var uploadId: String

    public init(bucket: String, key: String, uploadId: String) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
    }
}

/// `s3.ListParts`.
public struct ListPartsRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var uploadId: String
    /// 1 to 1,000 (default 1,000).
    public var maxParts: Int?
    public var partNumberMarker: Int?

    public init(bucket: String, key: String, uploadId: String, maxParts: Int? = nil, partNumberMarker: Int? = nil) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
        self.maxParts = maxParts
        self.partNumberMarker = partNumberMarker
    }
}

public struct ListPartsResult: Codable, Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var uploadId: String
    public var parts: [Part]
    public var maxParts: Int
    public var isTruncated: Bool
    public var nextPartNumberMarker: Int?

    public init(
        bucket: String, key: String, uploadId: String, parts: [Part], maxParts: Int, isTruncated: Bool,
        nextPartNumberMarker: Int?
    ) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
        self.parts = parts
        self.maxParts = maxParts
        self.isTruncated = isTruncated
        self.nextPartNumberMarker = nextPartNumberMarker
    }
}

public struct Part: Codable, Sendable, Equatable {
    public var partNumber: Int
    public var eTag: String
    public var size: Int64
    public var lastModified: Date

    public init(partNumber: Int, eTag: String, size: Int64, lastModified: Date) {
        self.partNumber = partNumber
        self.eTag = eTag
        self.size = size
        self.lastModified = lastModified
    }
}

/// `s3.ListMultipartUploads`.
public struct ListMultipartUploadsRequest: Codable, Sendable {
    public var bucket: String
    public var prefix: String?

    public init(bucket: String, prefix: String? = nil) {
        self.bucket = bucket
        self.prefix = prefix
    }
}

public struct ListMultipartUploadsResult: Codable, Sendable, Equatable {
    public var bucket: String
    public var uploads: [MultipartUpload]

    public init(bucket: String, uploads: [MultipartUpload]) {
        self.bucket = bucket
        self.uploads = uploads
    }
}

public struct MultipartUpload: Codable, Sendable, Equatable {
    public var key: String
    public var uploadId: String
    public var initiated: Date

    public init(key: String, uploadId: String, initiated: Date) {
        self.key = key
        self.uploadId = uploadId
        self.initiated = initiated
    }
}
