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
        case "instance":
            _ = try InstanceService.fetch([id], in: db)
        case "elastic-ip":
            guard try db.catching({ try AddressRecord.fetchOne(db, key: id) }) != nil else {
                throw CloudError(
                    code: "InvalidAllocationID.NotFound", message: "The allocation ID '\(id)' does not exist")
            }
        case "security-group":
            guard try db.catching({ try SecurityGroupRecord.fetchOne(db, key: id) }) != nil else {
                throw SecurityGroupErrors.notFound(id)
            }
        case "security-group-rule":
            guard try db.catching({ try SecurityGroupRuleRecord.fetchOne(db, key: id) }) != nil else {
                throw SecurityGroupErrors.ruleNotFound([id])
            }
        default:
            throw CloudError(
                code: "InvalidID",
                message: "The ID '\(id)' names a \(type), and this cloud has no \(type)s yet."
            )
        }
    }
}
