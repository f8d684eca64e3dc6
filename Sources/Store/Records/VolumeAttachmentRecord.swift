import Foundation
import GRDB

/// A row of the `volumeAttachment` table: a volume attached to an instance (one instance per volume).
public struct VolumeAttachmentRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "volumeAttachment"

    public var volumeId: String
    public var instanceId: String
    /// The device name, `/dev/xvda` for the root volume.
    public var device: String
    /// `attaching`, `attached` or `detaching`.
    public var state: String
    public var attachTime: Date
    public var deleteOnTermination: Bool

    public init(
        volumeId: String, instanceId: String, device: String, state: String, attachTime: Date,
        deleteOnTermination: Bool
    ) {
        self.volumeId = volumeId
        self.instanceId = instanceId
        self.device = device
        self.state = state
        self.attachTime = attachTime
        self.deleteOnTermination = deleteOnTermination
    }

    public enum Columns {
        public static let volumeId = Column(CodingKeys.volumeId)
        public static let instanceId = Column(CodingKeys.instanceId)
    }
}
