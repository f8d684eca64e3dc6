import API
import Foundation
import GRDB
import Store

extension VolumeService {
    /// The snapshot a `CreateVolume` restores, checked: it exists in the zone's region and is completed;
    /// `Size` defaults to its volume's and may not be smaller.
    func restoreSource(of request: inout CreateVolumeRequest) async throws(CloudError) -> SnapshotRecord? {
        guard let snapshotId = request.snapshotId else { return nil }
        _ = try catalog.requireZone(request.availabilityZone)
        let snapshot = try await database.readOrThrow { db in try Self.completedSnapshot(snapshotId, in: db) }
        guard snapshot.region == catalog.region(ofZone: request.availabilityZone) else {
            // Snapshots are regional, as in EC2: another region's is not found here (CopySnapshot brings it).
            throw SnapshotErrors.notFound(snapshotId)
        }
        let size = request.size ?? snapshot.volumeSizeGiB
        guard size >= snapshot.volumeSizeGiB else {
            throw .invalidParameterValue(
                "Volume of size \(size) is smaller than snapshot '\(snapshotId)', expect size >= \(snapshot.volumeSizeGiB)"
            )
        }
        request.size = size
        return snapshot
    }

    /// The snapshot, if it is `completed` (`IncorrectState` while pending or in error).
    static func completedSnapshot(_ id: String, in db: Database) throws(CloudError) -> SnapshotRecord {
        let snapshot = try SnapshotService.fetch(id, in: db)
        guard snapshot.state == .completed else {
            throw .incorrectState(
                "Snapshot '\(id)' is \(snapshot.state.rawValue); a volume can be created only from a completed one.")
        }
        return snapshot
    }

    /// Steps (2) and (3) of a create from a snapshot, in the background: the data, then `available`.
    func restoreInBackground(_ record: VolumeRecord) {
        let service = self
        Task {
            await CrashPoint.reach("volume.restore.after-intent")
            do throws(CloudError) {
                try await service.restore(record)
                await CrashPoint.reach("volume.restore.after-blocks")
                try await service.database.writeOrThrow { db throws(CloudError) in
                    try db.catching {
                        try VolumeRecord.filter(key: record.id).filter(
                            VolumeRecord.Columns.state == VolumeState.creating
                        )
                        .updateAll(db, VolumeRecord.Columns.state.set(to: VolumeState.available))
                    }
                }
                service.logger.info(
                    "volume restored from snapshot",
                    metadata: ["iaas.volume.id": "\(record.id)", "iaas.snapshot.id": "\(record.snapshotId ?? "")"])
            } catch {
                await service.markError(record.id, after: "restore it from its snapshot")
            }
        }
    }

    /// Makes both replicas and writes the snapshot's blocks into them, durably. Idempotent: blocks land in
    /// the same places, and the rest stays holes. The reconciler runs it again for an interrupted create.
    func restore(_ record: VolumeRecord) async throws(CloudError) {
        guard let snapshotId = record.snapshotId, let region = catalog.region(ofZone: record.zone),
            let store = blobs[region]
        else { throw .internalError("The volume \(record.id) has no snapshot to restore from in its region.") }
        let rows = try await database.readOrThrow { db in
            try SnapshotBlockRecord.filter(SnapshotBlockRecord.Columns.snapshotId == snapshotId)
                .order(SnapshotBlockRecord.Columns.index).fetchAll(db)
        }
        let blocks = rows.compactMap { row in BlobDigest(hex: row.digest).map { (row.index, $0, row.size) } }
        guard blocks.count == rows.count else {
            throw .internalError("The snapshot \(snapshotId) has a block row that names no blob.")
        }
        let files = replicaFiles(record)
        let fileStore = self.files
        do {
            try await BlockingIO.run { () throws -> Void in
                try fileStore.makeNew(files)
                let writer = try VolumeBlocks.Writer(files)
                try VolumeBlocks.restore(blocks, from: store, into: writer)
                try writer.sync()
            }
        } catch {
            throw InternalFault.cloudError(
                error, while: "restore the volume from snapshot \(snapshotId)", logger: logger,
                metadata: ["iaas.volume.id": "\(record.id)", "iaas.snapshot.id": "\(snapshotId)"],
                diskFullCode: "InsufficientVolumeCapacity")
        }
    }
}
