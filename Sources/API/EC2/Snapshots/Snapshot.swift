import Foundation

/// An EBS snapshot as `DescribeSnapshots` shows it.
public struct Snapshot: Codable, Sendable, Hashable {
    public var snapshotId: String
    public var volumeId: String
    /// `pending`, `completed` or `error`.
    public var state: String
    /// Why a snapshot is in `error`.
    public var stateMessage: String?
    public var startTime: Date
    public var completionTime: Date?
    /// `"0%"` … `"100%"`.
    public var progress: String
    public var ownerId: String
    public var description: String
    /// The size of the volume it was taken from, GiB.
    public var volumeSize: Int
    public var encrypted: Bool
    public var storageTier: String
    /// The bytes of data it holds (holes and zero blocks take none).
    public var fullSnapshotSizeInBytes: Int64?
    public var tags: [Tag]?

    public init(
        snapshotId: String, volumeId: String, state: String, stateMessage: String?, startTime: Date,
        completionTime: Date?, progress: String, ownerId: String, description: String, volumeSize: Int,
        encrypted: Bool = false, storageTier: String = "standard", fullSnapshotSizeInBytes: Int64?, tags: [Tag]?
    ) {
        self.snapshotId = snapshotId
        self.volumeId = volumeId
        self.state = state
        self.stateMessage = stateMessage
        self.startTime = startTime
        self.completionTime = completionTime
        self.progress = progress
        self.ownerId = ownerId
        self.description = description
        self.volumeSize = volumeSize
        self.encrypted = encrypted
        self.storageTier = storageTier
        self.fullSnapshotSizeInBytes = fullSnapshotSizeInBytes
        self.tags = tags
    }
}
