import API
import Foundation
import GRDB
import Store

extension InstanceService {
    /// The region a request is for: the HTTP front's (from the signature's scope), else the first.
    var requestRegion: String { RequestScope.region ?? catalog.regions.first?.regionName ?? "us-east-1" }

    static func securityGroupArn(_ id: String, region: String, account: String) -> String {
        "arn:aws:ec2:\(region):\(account):security-group/\(id)"
    }

    /// Each region's default VPC has its `default` group (members reach each other; everything may leave),
    /// and every instance not terminated is in a group (those launched before groups existed join the
    /// default one). At start, idempotent.
    public func ensureDefaultSecurityGroups() async throws(CloudError) {
        let regions = catalog.regions.map(\.regionName)
        let zones = Dictionary(uniqueKeysWithValues: catalog.regions.map { ($0.regionName, $0.zones.map(\.zoneName)) })
        try await database.writeOrThrow { db throws(CloudError) in
            for region in regions {
                let group: SecurityGroupRecord
                if let existing = try? SecurityGroupLookup.resolve(
                    id: nil, name: SecurityGroupLookup.defaultName, region: region, in: db)
                {
                    group = existing
                } else {
                    group = SecurityGroupRecord(
                        id: ResourceID.make("sg"), name: SecurityGroupLookup.defaultName,
                        description: "default VPC security group", vpcId: InstanceNetwork.vpcId, region: region,
                        createdAt: Date())
                    try db.catching {
                        try group.insert(db)
                        try RuleSpec(
                            ipProtocol: "-1", fromPort: nil, toPort: nil, cidr: nil, groupId: group.id, description: nil
                        )
                        .record(id: ResourceID.make("sgr"), groupId: group.id, isEgress: false).insert(db)
                        try Self.allowAllEgress(group.id).insert(db)
                    }
                }
                try db.catching {
                    try db.execute(
                        sql: """
                            INSERT INTO instanceSecurityGroup (instanceId, groupId, position)
                            SELECT id, ?, 0 FROM instance
                            WHERE state != 'terminated' AND zone IN (\(databaseQuestionMarks(count: zones[region]!.count)))
                              AND id NOT IN (SELECT instanceId FROM instanceSecurityGroup)
                            """, arguments: StatementArguments([group.id] + zones[region]!))
                }
            }
        }
    }

    /// The rule every new group starts with: all traffic may leave.
    static func allowAllEgress(_ group: String) -> SecurityGroupRuleRecord {
        RuleSpec(ipProtocol: "-1", fromPort: nil, toPort: nil, cidr: "0.0.0.0/0", groupId: nil, description: nil)
            .record(id: ResourceID.make("sgr"), groupId: group, isEgress: true)
    }

    /// `ec2.CreateSecurityGroup`.
    public func createSecurityGroup(_ request: CreateSecurityGroupRequest) async throws(CloudError)
        -> CreateSecurityGroupResult
    {
        let region = requestRegion
        let name = request.groupName
        guard !name.isEmpty, name.count <= 255, name.allSatisfy(SecurityGroupRules.isAllowed) else {
            throw .invalidParameterValue(
                "Invalid group name '\(name.prefix(64))': 1 to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*"
            )
        }
        guard !name.lowercased().hasPrefix("sg-") else {
            throw .invalidParameterValue("Group names may not be in the format sg-*.")
        }
        guard name.lowercased() != SecurityGroupLookup.defaultName else {
            throw CloudError(code: "InvalidGroup.Reserved", message: "The security group 'default' is reserved")
        }
        guard !request.description.isEmpty else { throw .missingParameter("GroupDescription") }
        let description = try SecurityGroupRules.description(request.description) ?? ""
        if let vpc = request.vpcId, vpc != InstanceNetwork.vpcId {
            throw CloudError(code: "InvalidVpcID.NotFound", message: "The vpc ID '\(vpc)' does not exist")
        }
        let tags = try TagRules.tags(of: request.tagSpecifications, for: "security-group")
        let group = SecurityGroupRecord(
            id: ResourceID.make("sg"), name: name, description: description, vpcId: InstanceNetwork.vpcId,
            region: region, createdAt: Date())
        try await database.writeOrThrow { db throws(CloudError) in
            let count = try db.catching {
                try SecurityGroupRecord.filter(SecurityGroupRecord.Columns.region == region).fetchCount(db)
            }
            guard count < SecurityGroupRules.maxGroupsPerVPC else {
                throw CloudError(
                    code: "SecurityGroupLimitExceeded",
                    message: "The maximum number of security groups for VPC '\(group.vpcId)' has been reached.")
            }
            if (try? SecurityGroupLookup.resolve(id: nil, name: name, region: region, in: db)) != nil {
                throw SecurityGroupErrors.duplicate(name, vpc: group.vpcId)
            }
            try db.catching {
                try group.insert(db)
                try Self.allowAllEgress(group.id).insert(db)
            }
            try TagService.upsert(tags, on: group.id, type: "security-group", in: db)
        }
        logger.info(
            "security group created",
            metadata: ["iaas.security-group.id": "\(group.id)", "iaas.security-group.name": "\(name)"])
        return CreateSecurityGroupResult(
            groupId: group.id, securityGroupArn: Self.securityGroupArn(group.id, region: region, account: account),
            tags: tags.isEmpty ? nil : tags)
    }

    /// `ec2.DeleteSecurityGroup`: not the default group, not one an instance is in or a rule names.
    public func deleteSecurityGroup(_ request: DeleteSecurityGroupRequest) async throws(CloudError)
        -> DeleteSecurityGroupResult
    {
        let region = requestRegion
        let id = try await database.writeOrThrow { db throws(CloudError) -> String in
            let group = try SecurityGroupLookup.resolve(
                id: request.groupId, name: request.groupName, region: region, in: db)
            guard group.name != SecurityGroupLookup.defaultName else {
                throw SecurityGroupErrors.cannotDeleteDefault(group.id)
            }
            try db.catching {
                // Terminated instances keep no group.
                try db.execute(
                    sql: """
                        DELETE FROM instanceSecurityGroup WHERE groupId = ?
                          AND instanceId IN (SELECT id FROM instance WHERE state = 'terminated')
                        """, arguments: [group.id])
            }
            if let member = try db.catching({
                try InstanceSecurityGroupRecord.filter(InstanceSecurityGroupRecord.Columns.groupId == group.id)
                    .fetchOne(db)
            }) {
                throw SecurityGroupErrors.inUse(group.id, by: "instance \(member.instanceId)")
            }
            if let rule = try db.catching({
                try SecurityGroupRuleRecord.filter(SecurityGroupRuleRecord.Columns.referencedGroupId == group.id)
                    .filter(SecurityGroupRuleRecord.Columns.groupId != group.id).fetchOne(db)
            }) {
                throw SecurityGroupErrors.inUse(group.id, by: "a rule of \(rule.groupId)")
            }
            try db.catching {
                let rules = try String.fetchAll(
                    db, sql: "SELECT id FROM securityGroupRule WHERE groupId = ?", arguments: [group.id])
                _ = try SecurityGroupRuleRecord.filter(SecurityGroupRuleRecord.Columns.groupId == group.id).deleteAll(
                    db)
                _ = try group.delete(db)
                _ = try TagRecord.filter((rules + [group.id]).contains(TagRecord.Columns.resourceId)).deleteAll(db)
            }
            return group.id
        }
        logger.info("security group deleted", metadata: ["iaas.security-group.id": "\(id)"])
        return DeleteSecurityGroupResult(groupId: id)
    }

    static let securityGroupFilters: Set<String> = [
        "group-id", "group-name", "description", "vpc-id", "owner-id", "ip-permission.protocol",
        "ip-permission.from-port", "ip-permission.to-port", "ip-permission.cidr", "ip-permission.group-id",
        "egress.ip-permission.protocol", "egress.ip-permission.from-port", "egress.ip-permission.to-port",
        "egress.ip-permission.cidr", "egress.ip-permission.group-id", "tag-key",
    ]

    /// `ec2.DescribeSecurityGroups`.
    public func describeSecurityGroups(_ request: DescribeSecurityGroupsRequest) async throws(CloudError)
        -> DescribeSecurityGroupsResult
    {
        let region = requestRegion
        let filters = try FilterSet(request.filters, supported: Self.securityGroupFilters, allowsTags: true)
        try ListLimits.require(request.groupIds?.count ?? 0, valuesOf: "GroupIds")
        let loaded = try await database.readOrThrow { db throws(CloudError) -> LoadedGroups in
            try Self.loadGroups(ids: request.groupIds, names: request.groupNames, region: region, in: db)
        }
        let (groups, rules, tags) = (loaded.groups, loaded.rules, loaded.tags)
        let account = self.account
        let described = groups.map { group in
            let own = rules[group.id] ?? []
            return SecurityGroup(
                groupId: group.id, groupName: group.name, description: group.description, ownerId: account,
                vpcId: group.vpcId, securityGroupArn: Self.securityGroupArn(group.id, region: region, account: account),
                ipPermissions: SecurityGroupRules.permissions(own.filter { !$0.isEgress }, account: account),
                ipPermissionsEgress: SecurityGroupRules.permissions(own.filter(\.isEgress), account: account),
                tags: tags[group.id].flatMap { $0.isEmpty ? nil : $0 })
        }
        return DescribeSecurityGroupsResult(
            securityGroups: described.filter { group in filters.matches { Self.attribute($0, of: group) } })
    }

    struct LoadedGroups: Sendable {
        var groups: [SecurityGroupRecord]
        var rules: [String: [SecurityGroupRuleRecord]]
        var tags: [String: [Tag]]
    }

    /// The groups named (all of the region's when none is), their rules by group, and their tags.
    private static func loadGroups(ids: [String]?, names: [String]?, region: String, in db: Database)
        throws(CloudError) -> LoadedGroups
    {
        var groups: [SecurityGroupRecord] = []
        for id in ids ?? [] {
            groups.append(try SecurityGroupLookup.resolve(id: id, name: nil, region: region, in: db))
        }
        for name in names ?? [] {
            groups.append(try SecurityGroupLookup.resolve(id: nil, name: name, region: region, in: db))
        }
        if ids == nil && names == nil {
            groups = try db.catching {
                try SecurityGroupRecord.filter(SecurityGroupRecord.Columns.region == region)
                    .order(Column("createdAt"), Column("id")).fetchAll(db)
            }
        }
        let keys = groups.map(\.id)
        let rules = try db.catching {
            try SecurityGroupRuleRecord.filter(keys.contains(SecurityGroupRuleRecord.Columns.groupId))
                .order(Column("rowid")).fetchAll(db)
        }
        let tags = try db.catching { try TagService.tags(of: keys, in: db) }
        return LoadedGroups(groups: groups, rules: Dictionary(grouping: rules, by: \.groupId), tags: tags)
    }

    private static func attribute(_ name: String, of group: SecurityGroup) -> [String]? {
        let egress = name.hasPrefix("egress.")
        let permissions = egress ? group.ipPermissionsEgress : group.ipPermissions
        switch egress ? String(name.dropFirst(7)) : name {
        case "group-id": return [group.groupId]
        case "group-name": return [group.groupName]
        case "description": return [group.description]
        case "vpc-id": return [group.vpcId]
        case "owner-id": return [group.ownerId]
        case "ip-permission.protocol": return permissions.map(\.ipProtocol)
        case "ip-permission.from-port": return permissions.compactMap { $0.fromPort.map(String.init) }
        case "ip-permission.to-port": return permissions.compactMap { $0.toPort.map(String.init) }
        case "ip-permission.cidr": return permissions.flatMap { ($0.ipRanges ?? []).compactMap(\.cidrIp) }
        case "ip-permission.group-id": return permissions.flatMap { ($0.userIdGroupPairs ?? []).compactMap(\.groupId) }
        default: return FilterSet.tagAttribute(name, of: group.tags ?? [])
        }
    }
}
