import Foundation
import GRDB

/// A row of the `securityGroup` table: a VPC security group of a region. Each region's default VPC has one
/// named `default`, made at start when missing.
public struct SecurityGroupRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "securityGroup"

    public var id: String
    public var name: String
    public var description: String
    public var vpcId: String
    public var region: String
    public var createdAt: Date

    public init(id: String, name: String, description: String, vpcId: String, region: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.vpcId = vpcId
        self.region = region
        self.createdAt = createdAt
    }

    public enum Columns {
        public static let name = Column(CodingKeys.name)
        public static let region = Column(CodingKeys.region)
    }
}

/// A row of the `securityGroupRule` table: one permission of a group, in one direction, for one protocol
/// and port range, from or to one CIDR or one group.
public struct SecurityGroupRuleRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "securityGroupRule"

    public var id: String
    public var groupId: String
    public var isEgress: Bool
    /// `-1` (all), `tcp`, `udp`, `icmp`, or another IP protocol's number.
    public var ipProtocol: String
    /// Ports for TCP and UDP; the ICMP type and code for ICMP (-1: any); nil for all protocols.
    public var fromPort: Int?
    public var toPort: Int?
    public var cidrIpv4: String?
    public var referencedGroupId: String?
    public var description: String?

    public init(
        id: String, groupId: String, isEgress: Bool, ipProtocol: String, fromPort: Int?, toPort: Int?,
        cidrIpv4: String?, referencedGroupId: String?, description: String?
    ) {
        self.id = id
        self.groupId = groupId
        self.isEgress = isEgress
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidrIpv4 = cidrIpv4
        self.referencedGroupId = referencedGroupId
        self.description = description
    }

    public enum Columns {
        public static let groupId = Column(CodingKeys.groupId)
        public static let isEgress = Column(CodingKeys.isEgress)
        public static let referencedGroupId = Column(CodingKeys.referencedGroupId)
    }
}

/// A row of the `instanceSecurityGroup` table: an instance is a member of a group (its NIC is, in AWS).
public struct InstanceSecurityGroupRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "instanceSecurityGroup"

    public var instanceId: String
    public var groupId: String
    /// The order the groups were given in, as DescribeInstances lists them.
    public var position: Int

    public init(instanceId: String, groupId: String, position: Int) {
        self.instanceId = instanceId
        self.groupId = groupId
        self.position = position
    }

    public enum Columns {
        public static let instanceId = Column(CodingKeys.instanceId)
        public static let groupId = Column(CodingKeys.groupId)
    }
}
