import GRDB

/// A row of the `objectTag` table: one tag of an object, gone with the object's row (a delete, or a put
/// that replaces it).
public struct ObjectTagRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "objectTag"

    public var bucket: String
    public var key: String
    public var versionId: String
    public var tagKey: String
    public var value: String

    public init(bucket: String, key: String, versionId: String, tagKey: String, value: String) {
        self.bucket = bucket
        self.key = key
        self.versionId = versionId
        self.tagKey = tagKey
        self.value = value
    }

    public enum Columns {
        public static let bucket = Column(CodingKeys.bucket)
        public static let key = Column(CodingKeys.key)
    }
}
