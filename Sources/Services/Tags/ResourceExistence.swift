import API
import GRDB
import Store

/// Whether a resource of a given type exists, for actions that take ids of any kind (tags).
enum ResourceExistence {
    static func require(_ id: String, type: String, in db: Database) throws(CloudError) {
        switch type {
        case "volume":
            let record = try db.catching { try VolumeRecord.fetchOne(db, key: id) }
            guard let record, record.state != .deleted, record.state != .deleting else {
                throw VolumeErrors.notFound(id)
            }
        case "snapshot":
            _ = try SnapshotService.fetch(id, in: db)
        case "image":
            guard try db.catching({ try ImageRecord.fetchOne(db, key: id) }) != nil else {
                throw ComputeErrors.imageNotFound(id)
            }
        default:
            throw CloudError(
                code: "InvalidID",
                message: "The ID '\(id)' names a \(type), and this cloud has no \(type)s yet."
            )
        }
    }
}
