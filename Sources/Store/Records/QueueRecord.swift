import Foundation
import GRDB

/// The life of a queue's row.
public enum QueueState: String, Codable, Sendable, DatabaseValueConvertible {
    case active
    /// DeleteQueue's intent: its messages are being removed; the name stays taken for 60 s after.
    case deleting
    /// Deleted: kept until its name may be reused.
    case deleted
}

/// A row of the `queue` table: an SQS queue's identity and settings. Its messages live in the zones'
/// partitions (`MessagePartition`), keyed by `id`.
public struct QueueRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "queue"

    /// Unique for the life of the data directory, so a new queue of a deleted queue's name never sees its
    /// messages.
    public var id: String
    public var region: String
    public var name: String
    /// The settable attributes, as their wire JSON (`QueueAttributes` in Services).
    public var attributes: Data
    public var createdAt: Double
    public var lastModifiedAt: Double
    public var state: QueueState
    /// When DeleteQueue was called.
    public var deletedAt: Double?
    /// When the last PurgeQueue began; messages sent before it are removed.
    public var purgedAt: Double?
    /// Whether the purge that began at `purgedAt` has removed everything it must (its intent is done).
    public var purgeDone: Bool
    /// The purge's mark: messages whose send sequence is below it are purged. A sequence, not a time:
    /// a message moved in later (from a dead-letter source) keeps its first send time.
    public var purgeSequence: Int64?

    public init(
        id: String, region: String, name: String, attributes: Data, createdAt: Double, lastModifiedAt: Double,
        state: QueueState, deletedAt: Double? = nil, purgedAt: Double? = nil, purgeDone: Bool = true,
        purgeSequence: Int64? = nil
    ) {
        self.id = id
        self.region = region
        self.name = name
        self.attributes = attributes
        self.createdAt = createdAt
        self.lastModifiedAt = lastModifiedAt
        self.state = state
        self.deletedAt = deletedAt
        self.purgedAt = purgedAt
        self.purgeDone = purgeDone
        self.purgeSequence = purgeSequence
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let region = Column(CodingKeys.region)
        public static let name = Column(CodingKeys.name)
        public static let state = Column(CodingKeys.state)
    }
}
