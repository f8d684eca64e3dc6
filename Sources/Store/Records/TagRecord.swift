import GRDB

/// A row of the `tag` table: one key of one resource, of any kind.
public struct TagRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tag"

    public var resourceId: String
    /// The AWS resource type: `volume`, `instance`, `snapshot`, ...
    public var resourceType: String
    public var key: String
    public var value: String

    public init(resourceId: String, resourceType: String, key: String, value: String) {
        self.resourceId = resourceId
        self.resourceType = resourceType
        self.key = key
        self.value = value
    }

    public enum Columns {
        public static let resourceId = Column(CodingKeys.resourceId)
        public static let key = Column(CodingKeys.key)
    }
}
