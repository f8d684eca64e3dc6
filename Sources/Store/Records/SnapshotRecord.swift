import Foundation
import GRDB

/// The lifecycle states of a snapshot as stored: AWS's `pending`, `completed` and `error`.
/// A `pending` row found at start-up is a job a crash interrupted: the reconciler resumes or fails it.
public enum SnapshotState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case pending
    case completed
    case error
}

/// A row of the `snapshot` table. Its data is `SnapshotBlockRecord`s, committed with the `completed` state.
public struct SnapshotRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "snapshot"

    public var id: String
    /// The region whose blob store holds the blocks.
    public var region: String
    public var volumeId: String
    public var volumeSizeGiB: Int
    public var state: SnapshotState
    public var stateMessage: String?
    /// 0...100, as `Progress` shows it.
    public var progress: Int
    public var startTime: Date
    public var completionTime: Date?
    public var description: String
    public var ownerId: String
    /// The bytes of the blocks it holds (holes and zero blocks are not stored).
    public var dataBytes: Int64
    /// Whether an interrupted capture may start over at the next start: no writer can have touched the
    /// volume since the call (it was detached, and no attach came since).
    public var resumable: Bool
    /// For a copy: the snapshot and region it copies.
    public var sourceSnapshotId: String?
    public var sourceRegion: String?

    public init(
        id: String, region: String, volumeId: String, volumeSizeGiB: Int, state: SnapshotState,
        stateMessage: String? = nil, progress: Int = 0, startTime: Date, completionTime: Date? = nil,
        description: String, ownerId: String, dataBytes: Int64 = 0, resumable: Bool,
        sourceSnapshotId: String? = nil, sourceRegion: String? = nil
    ) {
        self.id = id
        self.region = region
        self.volumeId = volumeId
        self.volumeSizeGiB = volumeSizeGiB
        self.state = state
        self.stateMessage = stateMessage
        self.progress = progress
        self.startTime = startTime
        self.completionTime = completionTime
        self.description = description
        self.ownerId = ownerId
        self.dataBytes = dataBytes
        self.resumable = resumable
        self.sourceSnapshotId = sourceSnapshotId
        self.sourceRegion = sourceRegion
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let volumeId = Column(CodingKeys.volumeId)
        public static let state = Column(CodingKeys.state)
        public static let progress = Column(CodingKeys.progress)
        public static let resumable = Column(CodingKeys.resumable)
        public static let sourceSnapshotId = Column(CodingKeys.sourceSnapshotId)
    }
}

/// One stored block of a snapshot: the volume's bytes at `index × blockSize` are the blob `digest`.
/// Blocks that are absent were holes or zeros.
public struct SnapshotBlockRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "snapshotBlock"

    public var snapshotId: String
    public var index: Int64
    public var digest: String
    public var size: Int

    public init(snapshotId: String, index: Int64, digest: String, size: Int) {
        self.snapshotId = snapshotId
        self.index = index
        self.digest = digest
        self.size = size
    }

    public enum Columns {
        public static let snapshotId = Column(CodingKeys.snapshotId)
        public static let index = Column(CodingKeys.index)
        public static let digest = Column(CodingKeys.digest)
    }
}
