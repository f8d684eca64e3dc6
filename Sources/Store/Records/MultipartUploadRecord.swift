import Foundation
import GRDB

/// A row of the `multipartUpload` table: an upload in progress, until completed or aborted.
public struct MultipartUploadRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "multipartUpload"

    public var uploadId: String
    public var bucket: String
    public var key: String
    public var initiated: Date
    public var contentType: String
    /// User metadata, as JSON.
    public var metadata: String
    /// The object's tags, as the `x-amz-tagging` header held them (validated at creation).
    public var tagging: String?

    public init(
        uploadId: String, bucket: String, key: String, initiated: Date, contentType: String, metadata: String,
        tagging: String? = nil
    ) {
        self.uploadId = uploadId
        self.bucket = bucket
        self.key = key
        self.initiated = initiated
        self.contentType = contentType
        self.metadata = metadata
        self.tagging = tagging
    }
}

/// A row of the `uploadPart` table: a part of an upload (the last one uploaded under its number).
public struct UploadPartRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "uploadPart"

    public var uploadId: String
    public var partNumber: Int
    public var size: Int64
    /// The quoted MD5 of the part's bytes.
    public var etag: String
    public var lastModified: Date

    public init(uploadId: String, partNumber: Int, size: Int64, etag: String, lastModified: Date) {
        self.uploadId = uploadId
        self.partNumber = partNumber
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// A row of the `uploadPartChunk` table: the `index`th blob of a part.
public struct UploadPartChunkRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "uploadPartChunk"

    public var uploadId: String
    public var partNumber: Int
    public var index: Int
    public var digest: String
    public var size: Int64

    public init(uploadId: String, partNumber: Int, index: Int, digest: String, size: Int64) {
        self.uploadId = uploadId
        self.partNumber = partNumber
        self.index = index
        self.digest = digest
        self.size = size
    }
}
