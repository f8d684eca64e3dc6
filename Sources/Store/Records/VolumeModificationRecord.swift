import Foundation
import GRDB

/// The states of a volume modification, as AWS names them. `modifying` is transitional.
public enum ModificationState: String, Codable, Sendable, DatabaseValueConvertible {
    case modifying
    case optimizing
    case completed
    case failed
}

/// A row of the `volumeModification` table: one `ModifyVolume`, its target and what it changed from.
public struct VolumeModificationRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "volumeModification"

    public var id: Int64?
    public var volumeId: String
    public var state: ModificationState
    public var targetSizeGiB: Int
    public var targetVolumeType: String
    public var targetIops: Int?
    public var targetThroughput: Int?
    public var targetMultiAttachEnabled: Bool
    public var originalSizeGiB: Int
    public var originalVolumeType: String
    public var originalIops: Int?
    public var originalThroughput: Int?
    public var startTime: Date
    public var endTime: Date?

    public init(
        volumeId: String, state: ModificationState, targetSizeGiB: Int, targetVolumeType: String, targetIops: Int?,
        targetThroughput: Int?, targetMultiAttachEnabled: Bool, original: VolumeRecord, startTime: Date
    ) {
        self.volumeId = volumeId
        self.state = state
        self.targetSizeGiB = targetSizeGiB
        self.targetVolumeType = targetVolumeType
        self.targetIops = targetIops
        self.targetThroughput = targetThroughput
        self.targetMultiAttachEnabled = targetMultiAttachEnabled
        self.originalSizeGiB = original.sizeGiB
        self.originalVolumeType = original.volumeType
        self.originalIops = original.iops
        self.originalThroughput = original.throughput
        self.startTime = startTime
    }

    public enum Columns {
        public static let volumeId = Column(CodingKeys.volumeId)
        public static let state = Column(CodingKeys.state)
        public static let startTime = Column(CodingKeys.startTime)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
