import Foundation
import GRDB

/// A row of the `bucket` table: an S3 bucket of a region.
public struct BucketRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "bucket"

    public var name: String
    public var region: String
    public var createdAt: Date
    /// `Enabled` or `Suspended`; nil while versioning was never turned on.
    public var versioning: String?

    public init(name: String, region: String, createdAt: Date, versioning: String? = nil) {
        self.name = name
        self.region = region
        self.createdAt = createdAt
        self.versioning = versioning
    }
}
