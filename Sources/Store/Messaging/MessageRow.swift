import Foundation
import GRDB

/// One message as a partition holds it: the body and attributes as sent, and the delivery state that
/// changes as it is received, its visibility changed, and deleted.
///
/// Every change raises `version`; a partition keeps the highest version it was given, so writes may reach
/// partitions in any order, twice, or late (a partition catching up) and they still agree. A delete leaves
/// a tombstone (`deleted`, no body) so a partition that missed it cannot bring the message back.
public struct MessageRow: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "message"

    /// The queue's id (its row in the control plane).
    public var queue: String
    /// The message id, a UUID as AWS gives.
    public var id: String
    /// Send order within the daemon: ties of visibility are delivered oldest first.
    public var sequence: Int64
    public var body: Data?
    /// The message attributes, as their wire JSON.
    public var attributes: Data?
    public var md5OfBody: String
    public var md5OfAttributes: String?
    /// Seconds since 1970, as AWS's timestamps.
    public var sentAt: Double
    /// When the message may next be received: after its delay, then after each visibility timeout.
    public var visibleAt: Double
    public var receiveCount: Int
    public var firstReceiveAt: Double?
    public var version: Int64
    public var deleted: Bool
    /// The message group (`MessageGroupId`): ordering in a FIFO queue, fairness in a standard one.
    public var groupId: String?
    /// The FIFO deduplication id, given or derived from the body.
    public var deduplicationId: String?

    public init(
        queue: String, id: String, sequence: Int64, body: Data?, attributes: Data?, md5OfBody: String,
        md5OfAttributes: String?, sentAt: Double, visibleAt: Double, receiveCount: Int, firstReceiveAt: Double?,
        version: Int64, deleted: Bool, groupId: String? = nil, deduplicationId: String? = nil
    ) {
        self.queue = queue
        self.id = id
        self.sequence = sequence
        self.body = body
        self.attributes = attributes
        self.md5OfBody = md5OfBody
        self.md5OfAttributes = md5OfAttributes
        self.sentAt = sentAt
        self.visibleAt = visibleAt
        self.receiveCount = receiveCount
        self.firstReceiveAt = firstReceiveAt
        self.version = version
        self.deleted = deleted
        self.groupId = groupId
        self.deduplicationId = deduplicationId
    }

    public enum Columns {
        public static let queue = Column(CodingKeys.queue)
        public static let id = Column(CodingKeys.id)
        public static let sentAt = Column(CodingKeys.sentAt)
        public static let deleted = Column(CodingKeys.deleted)
        public static let version = Column(CodingKeys.version)
    }
}

/// The delivery state of a message without its body: what the daemon keeps in memory for every message.
public struct MessageState: Sendable, Hashable, FetchableRecord, Decodable {
    public var queue: String
    public var id: String
    public var sequence: Int64
    public var sentAt: Double
    public var visibleAt: Double
    public var receiveCount: Int
    public var firstReceiveAt: Double?
    public var version: Int64
    public var deleted: Bool
    public var bodySize: Int
    public var groupId: String?

    public init(
        queue: String, id: String, sequence: Int64, sentAt: Double, visibleAt: Double, receiveCount: Int,
        firstReceiveAt: Double?, version: Int64, deleted: Bool, bodySize: Int, groupId: String? = nil
    ) {
        self.queue = queue
        self.id = id
        self.sequence = sequence
        self.sentAt = sentAt
        self.visibleAt = visibleAt
        self.receiveCount = receiveCount
        self.firstReceiveAt = firstReceiveAt
        self.version = version
        self.deleted = deleted
        self.bodySize = bodySize
        self.groupId = groupId
    }
}

/// A change to one message, as written to every partition.
public enum MessageWrite: Sendable {
    /// A new message, or a catching-up copy.
    case put(MessageRow)
    /// New delivery state (a receive, a visibility change), kept only if newer than what the partition has.
    case state(queue: String, id: String, visibleAt: Double, receiveCount: Int, firstReceiveAt: Double?, version: Int64)
    /// A delete at `at`: the body goes, a tombstone stays.
    case delete(queue: String, id: String, version: Int64, at: Double)
    /// A FIFO send's deduplication id, remembered for the window whatever becomes of the message.
    case deduplication(DeduplicationRow)
}

/// A FIFO queue's memory of a deduplication id: the message first sent with it, and when.
public struct DeduplicationRow: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "deduplication"

    public var queue: String
    /// The deduplication id, prefixed with the message group when the queue's scope is the group.
    public var key: String
    public var messageId: String
    public var sequence: Int64
    public var at: Double

    public init(queue: String, key: String, messageId: String, sequence: Int64, at: Double) {
        self.queue = queue
        self.key = key
        self.messageId = messageId
        self.sequence = sequence
        self.at = at
    }
}
