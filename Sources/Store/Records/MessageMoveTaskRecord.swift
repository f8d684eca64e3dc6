import Foundation
import GRDB

/// A row of the `messageMoveTask` table: a StartMessageMoveTask and how far it got, so a restart resumes a
/// running task and ListMessageMoveTasks still shows the finished ones.
public struct MessageMoveTaskRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "messageMoveTask"

    /// AWS's states, by their names.
    public enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        case running = "RUNNING"
        case completed = "COMPLETED"
        case cancelling = "CANCELLING"
        case cancelled = "CANCELLED"
        case failed = "FAILED"
    }

    public var handle: String
    public var sourceArn: String
    public var destinationArn: String?
    /// `MaxNumberOfMessagesPerSecond`, if the task was given one.
    public var rate: Int?
    public var status: Status
    /// Written at most about once a second while running: after a crash it may lag what moved.
    public var moved: Int
    public var toMove: Int
    public var failureReason: String?
    public var startedAt: Double

    public init(
        handle: String, sourceArn: String, destinationArn: String?, rate: Int?, status: Status, moved: Int,
        toMove: Int, failureReason: String?, startedAt: Double
    ) {
        self.handle = handle
        self.sourceArn = sourceArn
        self.destinationArn = destinationArn
        self.rate = rate
        self.status = status
        self.moved = moved
        self.toMove = toMove
        self.failureReason = failureReason
        self.startedAt = startedAt
    }

    public enum Columns {
        public static let sourceArn = Column(CodingKeys.sourceArn)
        public static let status = Column(CodingKeys.status)
        public static let startedAt = Column(CodingKeys.startedAt)
    }
}
