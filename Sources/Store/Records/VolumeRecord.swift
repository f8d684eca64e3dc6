import Foundation
import GRDB

/// The lifecycle states of a volume as stored. `creating` and `deleting` are transitional: a row found in
/// one at start-up is an action a crash interrupted, and the reconciler finishes it.
public enum VolumeState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case creating
    case available
    case inUse = "in-use"
    case deleting
    case deleted
    case error

    public var isTransitional: Bool { self == .creating || self == .deleting }
}

/// A row of the `volume` table.
public struct VolumeRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "volume"

    public var id: String
    public var zone: String
    public var sizeGiB: Int
    public var volumeType: String
    public var iops: Int?
    public var throughput: Int?
    public var state: VolumeState
    public var createTime: Date
    public var encrypted: Bool
    public var multiAttachEnabled: Bool
    public var snapshotId: String?
    /// The idempotency token of the `CreateVolume` that made it.
    public var clientToken: String?

    public init(
        id: String, zone: String, sizeGiB: Int, volumeType: String, iops: Int?, throughput: Int?, state: VolumeState,
        createTime: Date, encrypted: Bool, multiAttachEnabled: Bool, snapshotId: String?, clientToken: String?
    ) {
        self.id = id
        self.zone = zone
        self.sizeGiB = sizeGiB
        self.volumeType = volumeType
        self.iops = iops
        self.throughput = throughput
        self.state = state
        self.createTime = createTime
        self.encrypted = encrypted
        self.multiAttachEnabled = multiAttachEnabled
        self.snapshotId = snapshotId
        self.clientToken = clientToken
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let zone = Column(CodingKeys.zone)
        public static let state = Column(CodingKeys.state)
        public static let clientToken = Column(CodingKeys.clientToken)
    }

    public var sizeBytes: Int64 { Int64(sizeGiB) << 30 }
}

extension DerivableRequest<VolumeRecord> {
    /// Volumes an interrupted action left in `creating` or `deleting`.
    public func transitional() -> Self {
        filter([VolumeState.creating, VolumeState.deleting].contains(VolumeRecord.Columns.state))
    }
}
