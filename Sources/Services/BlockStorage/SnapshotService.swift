import API
import Foundation
import GRDB
import Logging
import Store
import Synchronization

/// EBS snapshots: `CreateSnapshot`, `DescribeSnapshots`, `DeleteSnapshot`, `CopySnapshot`, kept in S3's
/// blob store of the volume's region.
///
/// A volume is cut into `VolumeBlocks.blockSize` blocks; holes and all-zero blocks are not stored, and each
/// other block is a content-addressed blob, so a second snapshot of a volume stores only the blocks that
/// changed, and deleting a snapshot frees only blocks no other snapshot (or object) holds. The blob store
/// replicates them across the region's zones; the collector frees blobs no row refers to.
///
/// A snapshot is a job: (1) the row is committed `pending` and the call returns; (2) the volume's data
/// blocks are read, under the volume's file lock (no attach plugs it meanwhile) and with its machine
/// paused if a running instance has it attached, and written as blobs without syncing; (3) the blobs are
/// made durable together (`BlobBatch`); (4) the block rows and `completed` commit in one transaction.
/// A crash leaves a `pending` row that `SnapshotReconciler` starts over when nothing can have written to
/// the volume since the call, and marks `error` otherwise.
public struct SnapshotService: Sendable {
    let database: StoreDatabase
    let volumes: VolumeService
    let stores: [String: BlobStore]
    let pins: BlobPins
    let account: String
    let quiescer: (any VolumeQuiescing)?
    /// Where ImportSnapshot reads disk images from.
    let objects: ObjectService
    let logger = Logger(label: "iaas.ebs.snapshots")

    public init(
        database: StoreDatabase, volumes: VolumeService, objects: ObjectService, quiescer: (any VolumeQuiescing)?
    ) {
        self.database = database
        self.volumes = volumes
        self.stores = objects.stores
        self.pins = objects.pins
        self.account = objects.account
        self.quiescer = quiescer
        self.objects = objects
    }

    /// The API shape of a stored snapshot.
    static func snapshot(_ record: SnapshotRecord, tags: [Tag]?) -> Snapshot {
        Snapshot(
            snapshotId: record.id, volumeId: record.volumeId, state: record.state.rawValue,
            stateMessage: record.stateMessage, startTime: record.startTime, completionTime: record.completionTime,
            progress: "\(record.progress)%", ownerId: record.ownerId, description: record.description,
            volumeSize: record.volumeSizeGiB,
            fullSnapshotSizeInBytes: record.state == .completed ? record.dataBytes : nil,
            tags: tags.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Fetches a snapshot or throws `InvalidSnapshot.NotFound`.
    static func fetch(_ id: String, in db: Database) throws(CloudError) -> SnapshotRecord {
        try SnapshotErrors.requireWellFormed(id)
        guard let record = try db.catching({ try SnapshotRecord.fetchOne(db, key: id) }) else {
            throw SnapshotErrors.notFound(id)
        }
        return record
    }

    func store(_ region: String) throws(CloudError) -> BlobStore {
        guard let store = stores[region] else {
            throw .internalError("The snapshot's region \(region) is not configured.")
        }
        return store
    }

    /// Records a job's failure: the row goes to `error` with a message a person can act on.
    func fail(_ id: String, _ message: String, error: (any Error)? = nil) async {
        logger.error(
            "snapshot failed",
            metadata: [
                "iaas.snapshot.id": "\(id)", "iaas.reason": "\(message)",
                "iaas.error": "\(error.map { "\($0)" } ?? "")",
            ])
        _ = try? await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try SnapshotRecord.filter(key: id).filter(SnapshotRecord.Columns.state == SnapshotState.pending)
                    .updateAll(
                        db, SnapshotRecord.Columns.state.set(to: SnapshotState.error),
                        Column("stateMessage").set(to: message))
            }
        }
    }

    /// Commits a job's blocks and `completed`, unless the snapshot was deleted meanwhile.
    func complete(_ id: String, blocks: [SnapshotBlockRecord]) async throws(CloudError) {
        let dataBytes = blocks.reduce(Int64(0)) { $0 + Int64($1.size) }
        let completed = try await database.writeOrThrow { db throws(CloudError) -> Bool in
            try db.catching {
                guard var record = try SnapshotRecord.fetchOne(db, key: id), record.state == .pending else {
                    return false
                }
                try SnapshotBlockRecord.filter(SnapshotBlockRecord.Columns.snapshotId == id).deleteAll(db)
                for block in blocks { try block.insert(db) }
                record.state = .completed
                record.progress = 100
                record.completionTime = Date()
                record.dataBytes = dataBytes
                try record.update(db)
                return true
            }
        }
        if completed {
            logger.info(
                "snapshot completed",
                metadata: ["iaas.snapshot.id": "\(id)", "iaas.blocks": "\(blocks.count)", "iaas.bytes": "\(dataBytes)"])
        }
    }

    /// Writes a job's progress (0...100) now and then, until the job is done.
    func reportProgress(_ id: String, _ progress: JobProgress) async {
        var last = -1
        while !progress.isDone {
            try? await Task.sleep(for: .milliseconds(250))
            let now = progress.percent
            guard now != last else { continue }
            last = now
            _ = try? await database.writeOrThrow { db throws(CloudError) in
                try db.catching {
                    try SnapshotRecord.filter(key: id).filter(SnapshotRecord.Columns.state == SnapshotState.pending)
                        .updateAll(db, SnapshotRecord.Columns.progress.set(to: now))
                }
            }
        }
    }

    /// Starts recording a job's progress; the job calls `finish` when done.
    func trackProgress(_ id: String) -> JobProgress {
        let progress = JobProgress()
        let service = self
        Task { await service.reportProgress(id, progress) }
        return progress
    }
}

/// A job's progress, shared by the blocking work that advances it and the task that records it.
final class JobProgress: Sendable {
    private let state = Mutex((percent: 0, done: false))

    var percent: Int {
        get { state.withLock { $0.percent } }
        set { state.withLock { $0.percent = newValue } }
    }

    var isDone: Bool { state.withLock { $0.done } }

    func finish() { state.withLock { $0.done = true } }
}
