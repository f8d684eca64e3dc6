import API
import GRDB
import Store

/// Finding groups by id or (in the default VPC) by name, within a region.
enum SecurityGroupLookup {
    static let defaultName = "default"

    static func resolve(id: String?, name: String?, region: String, in db: Database) throws(CloudError)
        -> SecurityGroupRecord
    {
        if let id {
            guard ResourceID.isWellFormed(id, prefix: "sg") else { throw SecurityGroupErrors.malformed(id) }
            guard let group = try db.catching({ try SecurityGroupRecord.fetchOne(db, key: id) }), group.region == region
            else { throw SecurityGroupErrors.notFound(id) }
            return group
        }
        guard let name else { throw .missingParameter("GroupId") }
        guard
            let group = try db.catching({
                try SecurityGroupRecord.filter(SecurityGroupRecord.Columns.region == region)
                    .filter(Column("vpcId") == InstanceNetwork.vpcId).filter(SecurityGroupRecord.Columns.name == name)
                    .fetchOne(db)
            })
        else { throw SecurityGroupErrors.nameNotFound(name, vpc: InstanceNetwork.vpcId) }
        return group
    }

    /// The groups a launch names (ids first, then names), or the region's default group; at most five.
    static func launchGroups(ids: [String]?, names: [String]?, region: String, in db: Database) throws(CloudError)
        -> [SecurityGroupRecord]
    {
        var groups: [SecurityGroupRecord] = []
        for id in ids ?? [] { groups.append(try resolve(id: id, name: nil, region: region, in: db)) }
        for name in names ?? [] { groups.append(try resolve(id: nil, name: name, region: region, in: db)) }
        if groups.isEmpty { groups.append(try resolve(id: nil, name: defaultName, region: region, in: db)) }
        var seen = Set<String>()
        groups = groups.filter { seen.insert($0.id).inserted }
        guard groups.count <= SecurityGroupRules.maxGroupsPerInstance else {
            throw CloudError(
                code: "SecurityGroupsPerInterfaceLimitExceeded",
                message:
                    "The maximum number of security groups per interface (\(SecurityGroupRules.maxGroupsPerInstance)) has been reached."
            )
        }
        return groups
    }

    /// Makes an instance a member of exactly `groups`, in their order.
    static func setMembership(of instance: String, to groups: [SecurityGroupRecord], in db: Database) throws(CloudError)
    {
        try db.catching {
            _ = try InstanceSecurityGroupRecord.filter(InstanceSecurityGroupRecord.Columns.instanceId == instance)
                .deleteAll(db)
            for (position, group) in groups.enumerated() {
                try InstanceSecurityGroupRecord(instanceId: instance, groupId: group.id, position: position).insert(db)
            }
        }
    }
}
