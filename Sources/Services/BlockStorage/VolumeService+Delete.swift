import API
import GRDB
import Store

extension VolumeService {
    /// `ec2.DeleteVolume`: removes both replicas; refused with `VolumeInUse` while attached.
    public func deleteVolume(_ request: DeleteVolumeRequest) async throws(CloudError) -> ReturnResult {
        let id = request.volumeId
        try VolumeErrors.requireWellFormed(id)
        // (1) Intent: `deleting`.
        let record = try await database.writeOrThrow { db throws(CloudError) in
            var record = try Self.fetch(id, in: db)
            record.state = try VolumeLifecycle.delete(
                id, state: record.state, modifying: try Self.isModifying(id, in: db))
            try db.catching { try record.update(db, columns: [VolumeRecord.Columns.state]) }
            return record
        }
        await CrashPoint.reach("volume.delete.after-intent")
        // (2) Side effect: the files. If they cannot be removed the volume goes to `error`, as in AWS, and
        // a later DeleteVolume tries again.
        do {
            try await removeFiles(of: record)
        } catch {
            await markError(id, after: "delete it")
            throw error
        }
        await CrashPoint.reach("volume.delete.after-files")
        // (3) Final: the row and its tags are gone.
        try await database.writeOrThrow { db throws(CloudError) in try Self.forget(id, in: db) }
        count.adjust(by: -1)
        logger.info("volume deleted", metadata: ["iaas.volume.id": "\(id)"])
        return ReturnResult()
    }

    func removeFiles(of record: VolumeRecord) async throws(CloudError) {
        let replicaFiles = replicaFiles(record)
        try await fileLocks.withLock(record.id) { () async throws(CloudError) in
            try await fileWork(record.id, "remove") { [files] () throws(FileSystemError) in
                try files.remove(replicaFiles)
            }
        }
    }

    /// Puts a volume whose files could not be made or removed into AWS's `error` state, where only
    /// DeleteVolume applies; if even that write fails the row stays transitional for the next start.
    func markError(_ id: String, after action: String) async {
        do {
            try await database.writeOrThrow { db throws(CloudError) in
                try db.catching {
                    try VolumeRecord.filter(key: id).updateAll(
                        db, VolumeRecord.Columns.state.set(to: VolumeState.error))
                }
            }
            logger.error(
                "volume is in error: its files could not be changed",
                metadata: ["iaas.volume.id": "\(id)", "iaas.action": "\(action)"])
        } catch {
            logger.error(
                "could not mark the volume in error; the next start finishes its action",
                metadata: ["iaas.volume.id": "\(id)", "iaas.error": "\(error)"])
        }
    }

    /// Deletes a volume's row, its modifications and its tags.
    static func forget(_ id: String, in db: Database) throws(CloudError) {
        try db.catching {
            _ = try VolumeRecord.deleteOne(db, key: id)
            _ = try TagRecord.filter(TagRecord.Columns.resourceId == id).deleteAll(db)
        }
    }
}
