import Foundation
import GRDB

/// A row of the `snapshotImport` table: an ImportSnapshot task, and the S3 object version it reads. Its
/// snapshot says how far it is: `pending` while the image is read, then `completed` or `error`.
public struct SnapshotImportRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "snapshotImport"

    public var id: String
    public var snapshotId: String
    public var bucket: String
    public var key: String
    /// The version read, and its ETag: an import started over after a crash reads the same bytes, or fails.
    public var versionId: String
    public var etag: String
    public var size: Int64
    public var format: String
    public var description: String
    public var createdAt: Date

    public init(
        id: String, snapshotId: String, bucket: String, key: String, versionId: String, etag: String, size: Int64,
        format: String, description: String, createdAt: Date
    ) {
        self.id = id
        self.snapshotId = snapshotId
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
        self.etag = etag
        self.size = size
        self.format = format
        self.description = description
        self.createdAt = createdAt
    }
}
