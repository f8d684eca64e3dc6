/// `ec2.CreateSecurityGroup`: a group of the region's default VPC, with no inbound rule and one outbound
/// rule that allows everything.
public struct CreateSecurityGroupRequest: Codable, Sendable {
    public var groupName: String
    public var description: String
    public var vpcId: String?
    public var tagSpecifications: [TagSpecification]?

    public init(
        groupName: String, description: String, vpcId: String? = nil, tagSpecifications: [TagSpecification]? = nil
    ) {
        self.groupName = groupName
        self.description = description
        self.vpcId = vpcId
        self.tagSpecifications = tagSpecifications
    }
}

public struct CreateSecurityGroupResult: Codable, Sendable {
    public var groupId: String
    public var securityGroupArn: String
    public var tags: [Tag]?

    public init(groupId: String, securityGroupArn: String, tags: [Tag]?) {
        self.groupId = groupId
        self.securityGroupArn = securityGroupArn
        self.tags = tags
    }
}

/// `ec2.DeleteSecurityGroup`, by id or (in the default VPC) by name.
public struct DeleteSecurityGroupRequest: Codable, Sendable {
    public var groupId: String?
    public var groupName: String?

    public init(groupId: String? = nil, groupName: String? = nil) {
        self.groupId = groupId
        self.groupName = groupName
    }
}

public struct DeleteSecurityGroupResult: Codable, Sendable {
    public var `return`: Bool
    public var groupId: String

    public init(groupId: String) {
        self.return = true
        self.groupId = groupId
    }
}

/// `ec2.DescribeSecurityGroups`, by id, name and filters (`group-id`, `group-name`, `description`, `vpc-id`,
/// `owner-id`, `tag:KEY`, `tag-key`, `ip-permission.protocol`, `ip-permission.from-port`,
/// `ip-permission.to-port`, `ip-permission.cidr`, `ip-permission.group-id`, and their `egress.` forms).
public struct DescribeSecurityGroupsRequest: Codable, Sendable {
    public var groupIds: [String]?
    public var groupNames: [String]?
    public var filters: [Filter]?

    public init(groupIds: [String]? = nil, groupNames: [String]? = nil, filters: [Filter]? = nil) {
        self.groupIds = groupIds
        self.groupNames = groupNames
        self.filters = filters
    }
}

public struct DescribeSecurityGroupsResult: Codable, Sendable {
    public var securityGroups: [SecurityGroup]

    public init(securityGroups: [SecurityGroup]) {
        self.securityGroups = securityGroups
    }
}

public struct SecurityGroup: Codable, Sendable, Hashable {
    public var groupId: String
    public var groupName: String
    public var description: String
    public var ownerId: String
    public var vpcId: String
    public var securityGroupArn: String
    public var ipPermissions: [IpPermission]
    public var ipPermissionsEgress: [IpPermission]
    public var tags: [Tag]?

    public init(
        groupId: String, groupName: String, description: String, ownerId: String, vpcId: String,
        securityGroupArn: String, ipPermissions: [IpPermission], ipPermissionsEgress: [IpPermission], tags: [Tag]?
    ) {
        self.groupId = groupId
        self.groupName = groupName
        self.description = description
        self.ownerId = ownerId
        self.vpcId = vpcId
        self.securityGroupArn = securityGroupArn
        self.ipPermissions = ipPermissions
        self.ipPermissionsEgress = ipPermissionsEgress
        self.tags = tags
    }
}

/// A permission: a protocol (`tcp`, `udp`, `icmp`, `-1` for all, or a protocol number), a port range (for
/// ICMP, a type and a code; -1 for any) and the CIDRs and groups it admits.
public struct IpPermission: Codable, Sendable, Hashable {
    public var ipProtocol: String
    public var fromPort: Int?
    public var toPort: Int?
    public var ipRanges: [IpRange]?
    public var userIdGroupPairs: [UserIdGroupPair]?
    /// IPv6 ranges and prefix lists: refused, this cloud's VPCs are IPv4 only.
    public var ipv6Ranges: [IpRange]?
    public var prefixListIds: [PrefixListId]?

    public init(
        ipProtocol: String, fromPort: Int? = nil, toPort: Int? = nil, ipRanges: [IpRange]? = nil,
        userIdGroupPairs: [UserIdGroupPair]? = nil
    ) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.ipRanges = ipRanges
        self.userIdGroupPairs = userIdGroupPairs
    }
}

public struct IpRange: Codable, Sendable, Hashable {
    public var cidrIp: String?
    public var cidrIpv6: String?
    public var description: String?

    public init(cidrIp: String, description: String? = nil) {
        self.cidrIp = cidrIp
        self.description = description
    }
}

public struct PrefixListId: Codable, Sendable, Hashable {
    public var prefixListId: String?
    public var description: String?
}

public struct UserIdGroupPair: Codable, Sendable, Hashable {
    public var groupId: String?
    public var groupName: String?
    public var userId: String?
    public var vpcId: String?
    public var description: String?

    public init(groupId: String? = nil, groupName: String? = nil, userId: String? = nil, description: String? = nil) {
        self.groupId = groupId
        self.groupName = groupName
        self.userId = userId
        self.description = description
    }
}

/// `ec2.AuthorizeSecurityGroupIngress`/`Egress` and `ec2.RevokeSecurityGroupIngress`/`Egress`: permissions
/// (`IpPermissions`), or for ingress the older flat form (`IpProtocol`, `FromPort`, `ToPort`, `CidrIp`);
/// a revoke may name rules by id instead (`SecurityGroupRuleIds`).
public struct SecurityGroupPermissionsRequest: Codable, Sendable {
    public var groupId: String?
    public var groupName: String?
    public var ipPermissions: [IpPermission]?
    public var ipProtocol: String?
    public var fromPort: Int?
    public var toPort: Int?
    public var cidrIp: String?
    public var sourceSecurityGroupName: String?
    /// Another account's group: accepted only as this account's (there is one account).
    public var sourceSecurityGroupOwnerId: String?
    public var securityGroupRuleIds: [String]?
    public var tagSpecifications: [TagSpecification]?

    public init(
        groupId: String? = nil, groupName: String? = nil, ipPermissions: [IpPermission]? = nil,
        ipProtocol: String? = nil, fromPort: Int? = nil, toPort: Int? = nil, cidrIp: String? = nil,
        securityGroupRuleIds: [String]? = nil
    ) {
        self.groupId = groupId
        self.groupName = groupName
        self.ipPermissions = ipPermissions
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidrIp = cidrIp
        self.securityGroupRuleIds = securityGroupRuleIds
    }
}

public struct AuthorizeSecurityGroupResult: Codable, Sendable {
    public var `return`: Bool
    public var securityGroupRules: [SecurityGroupRule]

    public init(securityGroupRules: [SecurityGroupRule]) {
        self.return = true
        self.securityGroupRules = securityGroupRules
    }
}

public struct RevokeSecurityGroupResult: Codable, Sendable {
    public var `return`: Bool
    public var revokedSecurityGroupRules: [SecurityGroupRule]

    public init(revokedSecurityGroupRules: [SecurityGroupRule]) {
        self.return = true
        self.revokedSecurityGroupRules = revokedSecurityGroupRules
    }
}

/// One rule, as AWS lists it since security group rule ids (`sgr-…`).
public struct SecurityGroupRule: Codable, Sendable, Hashable {
    public var securityGroupRuleId: String
    public var groupId: String
    public var groupOwnerId: String
    public var isEgress: Bool
    public var ipProtocol: String
    public var fromPort: Int
    public var toPort: Int
    public var cidrIpv4: String?
    public var referencedGroupInfo: ReferencedSecurityGroup?
    public var description: String?

    public init(
        securityGroupRuleId: String, groupId: String, groupOwnerId: String, isEgress: Bool, ipProtocol: String,
        fromPort: Int, toPort: Int, cidrIpv4: String?, referencedGroupInfo: ReferencedSecurityGroup?,
        description: String?
    ) {
        self.securityGroupRuleId = securityGroupRuleId
        self.groupId = groupId
        self.groupOwnerId = groupOwnerId
        self.isEgress = isEgress
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidrIpv4 = cidrIpv4
        self.referencedGroupInfo = referencedGroupInfo
        self.description = description
    }
}

public struct ReferencedSecurityGroup: Codable, Sendable, Hashable {
    public var groupId: String
    public var userId: String

    public init(groupId: String, userId: String) {
        self.groupId = groupId
        self.userId = userId
    }
}

/// A group an instance is in, as DescribeInstances lists it.
public struct GroupIdentifier: Codable, Sendable, Hashable {
    public var groupId: String
    public var groupName: String

    public init(groupId: String, groupName: String) {
        self.groupId = groupId
        self.groupName = groupName
    }
}
