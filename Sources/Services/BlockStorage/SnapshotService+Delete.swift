import API
import GRDB
import Store

extension SnapshotService {
    /// `ec2.DeleteSnapshot`: the row and its block rows go in one transaction; the blob collector frees the
    /// blocks no other snapshot or object holds, after its grace period. A pending snapshot may be deleted:
    /// its job finds the row gone and commits nothing.
    public func deleteSnapshot(_ request: DeleteSnapshotRequest) async throws(CloudError) -> ReturnResult {
        try await database.writeOrThrow { db throws(CloudError) in
            let record = try Self.fetch(request.snapshotId, in: db)
            if let volume = try db.catching({
                try String.fetchOne(
                    db,
                    sql: "SELECT id FROM volume WHERE snapshotId = ? AND state = 'creating'", arguments: [record.id])
            }) {
                throw SnapshotErrors.inUse(record.id, by: "\(volume), which is being restored from it")
            }
            if let image = try db.catching({
                try String.fetchOne(db, sql: "SELECT id FROM image WHERE rootSnapshotId = ?", arguments: [record.id])
            }) {
                throw SnapshotErrors.inUse(record.id, by: "\(image); deregister the image first")
            }
            if let copy = try db.catching({
                try SnapshotRecord.filter(SnapshotRecord.Columns.sourceSnapshotId == record.id)
                    .filter(SnapshotRecord.Columns.state == SnapshotState.pending).fetchOne(db)
            }) {
                throw SnapshotErrors.inUse(record.id, by: "\(copy.id), a copy in progress")
            }
            try db.catching {
                _ = try SnapshotRecord.deleteOne(db, key: record.id)
                _ = try TagRecord.filter(TagRecord.Columns.resourceId == record.id).deleteAll(db)
            }
        }
        logger.info("snapshot deleted", metadata: ["iaas.snapshot.id": "\(request.snapshotId)"])
        return ReturnResult()
    }
}
