import API
import Engine
import GRDB
import Store

/// A rule as the cloud keeps it: a protocol, a range and one peer (a CIDR or a group). Two rules are the
/// same rule when all but the description match.
struct RuleSpec: Sendable, Hashable {
    var ipProtocol: String
    var fromPort: Int?
    var toPort: Int?
    var cidr: String?
    var groupId: String?
    var description: String?

    var identity: [String] {
        [ipProtocol, fromPort.map(String.init) ?? "", toPort.map(String.init) ?? "", cidr ?? "", groupId ?? ""]
    }

    init(_ record: SecurityGroupRuleRecord) {
        ipProtocol = record.ipProtocol
        fromPort = record.fromPort
        toPort = record.toPort
        cidr = record.cidrIpv4
        groupId = record.referencedGroupId
        description = record.description
    }

    init(ipProtocol: String, fromPort: Int?, toPort: Int?, cidr: String?, groupId: String?, description: String?) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidr = cidr
        self.groupId = groupId
        self.description = description
    }

    func record(id: String, groupId owner: String, isEgress: Bool) -> SecurityGroupRuleRecord {
        SecurityGroupRuleRecord(
            id: id, groupId: owner, isEgress: isEgress, ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort,
            cidrIpv4: cidr, referencedGroupId: groupId, description: description)
    }

    /// As AWS words a rule in InvalidPermission.Duplicate.
    var text: String {
        let peer = cidr ?? groupId ?? ""
        let proto = ipProtocol == "-1" ? "ALL" : ipProtocol.uppercased()
        return "peer: \(peer), \(proto), from port: \(fromPort ?? -1), to port: \(toPort ?? -1), ALLOW"
    }
}

/// AWS's rules for permissions: protocols, ports, CIDRs and peers, checked and normalized.
enum SecurityGroupRules {
    /// AWS's default quotas: rules per group and direction, groups per VPC, groups per network interface.
    static let maxRulesPerDirection = 60
    static let maxGroupsPerVPC = 2500
    static let maxGroupsPerInstance = 5

    /// `tcp`, `udp`, `icmp`, `-1` (all), or another protocol's number, from what a request names.
    static func normalizedProtocol(_ value: String) throws(CloudError) -> String {
        switch value.lowercased() {
        case "-1", "all": return "-1"
        case "tcp", "6": return "tcp"
        case "udp", "17": return "udp"
        case "icmp", "1": return "icmp"
        default:
            guard let number = Int(value), (0...255).contains(number) else {
                throw .invalidParameterValue("Invalid value '\(value)' for IP protocol. Unknown protocol.")
            }
            return String(number)
        }
    }

    /// The ports a rule of `ipProtocol` keeps: a range for TCP and UDP, a type and code for ICMP, none else.
    static func ports(_ ipProtocol: String, from: Int?, to: Int?) throws(CloudError) -> (Int?, Int?) {
        switch ipProtocol {
        case "tcp", "udp":
            guard let from, let to else {
                throw .invalidParameterValue("Invalid value: must specify both from and to ports with TCP/UDP.")
            }
            guard (0...65535).contains(from), (0...65535).contains(to), from <= to else {
                throw .invalidParameterValue(
                    "Invalid ports \(from)-\(to): ports are 0 to 65535, and FromPort may not exceed ToPort.")
            }
            return (from, to)
        case "icmp":
            let type = from ?? -1
            let code = to ?? -1
            guard (-1...255).contains(type), (-1...255).contains(code), type != -1 || code == -1 else {
                throw .invalidParameterValue(
                    "Invalid ICMP type \(type) and code \(code): each is -1 (any) or 0 to 255, and a code needs a type."
                )
            }
            return (type, code)
        default:
            return (nil, nil)
        }
    }

    /// A CIDR of IPv4, as `a.b.c.d/n` with no bit set past the prefix: decimal digits only (no sign, no
    /// leading zero, which some parsers read as octal), and returned in its canonical form, which is what
    /// reaches the firewall.
    static func cidr(_ value: String) throws(CloudError) -> String {
        func number(_ text: Substring, max: Int) -> Int? {
            guard (1...3).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }),
                text == "0" || text.first != "0", let value = Int(text), value <= max
            else { return nil }
            return value
        }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        let octets = parts.first?.split(separator: ".", omittingEmptySubsequences: false) ?? []
        guard parts.count == 2, octets.count == 4, let length = number(parts[1], max: 32) else {
            throw .invalidParameterValue("CIDR block \(value) is malformed")
        }
        var base: UInt32 = 0
        for octet in octets {
            guard let byte = number(octet, max: 255) else {
                throw .invalidParameterValue("CIDR block \(value) is malformed")
            }
            base = base << 8 | UInt32(byte)
        }
        let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
        guard base & ~mask == 0 else {
            throw .invalidParameterValue("CIDR block \(value) is malformed: bits are set past the prefix /\(length)")
        }
        return "\(IPv4(base))/\(length)"
    }

    /// The rules of a request's permissions (or, for ingress, its flat `IpProtocol`/`CidrIp` form), their
    /// peer groups resolved in the region.
    static func specs(
        of request: SecurityGroupPermissionsRequest, region: String, in db: Database
    ) throws(CloudError) -> [RuleSpec] {
        var permissions = request.ipPermissions ?? []
        if request.ipProtocol != nil || request.cidrIp != nil || request.fromPort != nil || request.toPort != nil
            || request.sourceSecurityGroupName != nil
        {
            guard permissions.isEmpty else {
                throw .invalidParameterCombination(
                    "Give IpPermissions, or IpProtocol, FromPort, ToPort and CidrIp or SourceSecurityGroupName.")
            }
            // Without a protocol the rule would be wider than asked for (all protocols, every port).
            guard let ipProtocol = request.ipProtocol else { throw .missingParameter("IpProtocol") }
            var permission = IpPermission(ipProtocol: ipProtocol, fromPort: request.fromPort, toPort: request.toPort)
            if let source = request.sourceSecurityGroupName {
                guard request.cidrIp == nil else {
                    throw .invalidParameterCombination("Give CidrIp or SourceSecurityGroupName, not both.")
                }
                permission.userIdGroupPairs = [UserIdGroupPair(groupName: source)]
            } else {
                permission.ipRanges = [IpRange(cidrIp: request.cidrIp ?? "0.0.0.0/0")]
            }
            permissions = [permission]
        }
        guard !permissions.isEmpty else { throw .missingParameter("IpPermissions") }
        var specs: [RuleSpec] = []
        for permission in permissions {
            let proto = try normalizedProtocol(permission.ipProtocol)
            let (from, to) = try ports(proto, from: permission.fromPort, to: permission.toPort)
            if !(permission.ipv6Ranges ?? []).isEmpty || !(permission.prefixListIds ?? []).isEmpty {
                throw .invalidParameterValue("IPv6 ranges and prefix lists are not supported: VPCs here are IPv4 only.")
            }
            let ranges = permission.ipRanges ?? []
            let pairs = permission.userIdGroupPairs ?? []
            guard !ranges.isEmpty || !pairs.isEmpty else {
                throw .invalidParameterValue("A permission must name IpRanges or UserIdGroupPairs.")
            }
            for range in ranges {
                guard let value = range.cidrIp, range.cidrIpv6 == nil else {
                    throw .invalidParameterValue("An IpRange needs a CidrIp (IPv4).")
                }
                specs.append(
                    RuleSpec(
                        ipProtocol: proto, fromPort: from, toPort: to, cidr: try cidr(value), groupId: nil,
                        description: try description(range.description)))
            }
            for pair in pairs {
                let group = try SecurityGroupLookup.resolve(
                    id: pair.groupId, name: pair.groupName, region: region, in: db)
                specs.append(
                    RuleSpec(
                        ipProtocol: proto, fromPort: from, toPort: to, cidr: nil, groupId: group.id,
                        description: try description(pair.description)))
            }
        }
        return specs
    }

    /// A rule's or group's description: up to 255 characters of AWS's set.
    static func description(_ value: String?) throws(CloudError) -> String? {
        guard let value else { return nil }
        guard value.count <= 255, value.allSatisfy(isAllowed) else {
            throw .invalidParameterValue(
                "Invalid description '\(value.prefix(64))': up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*"
            )
        }
        return value
    }

    /// The characters AWS allows in a VPC security group's name and description.
    static func isAllowed(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || " ._-:/()#,@[]+=&;{}!$*".contains(character))
    }

    /// Rules grouped as DescribeSecurityGroups lists them: a permission per protocol and range, with its
    /// CIDRs and groups.
    static func permissions(_ rules: [SecurityGroupRuleRecord], account: String) -> [IpPermission] {
        var order: [[String]] = []
        var grouped: [[String]: IpPermission] = [:]
        for rule in rules {
            let key = [rule.ipProtocol, rule.fromPort.map(String.init) ?? "", rule.toPort.map(String.init) ?? ""]
            if grouped[key] == nil {
                order.append(key)
                var permission = IpPermission(ipProtocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort)
                permission.ipRanges = []
                permission.userIdGroupPairs = []
                grouped[key] = permission
            }
            if let cidr = rule.cidrIpv4 {
                grouped[key]!.ipRanges!.append(IpRange(cidrIp: cidr, description: rule.description))
            }
            if let group = rule.referencedGroupId {
                grouped[key]!.userIdGroupPairs!.append(
                    UserIdGroupPair(groupId: group, userId: account, description: rule.description))
            }
        }
        return order.compactMap { grouped[$0] }
    }

    /// A rule as AWS lists it by id.
    static func rule(_ record: SecurityGroupRuleRecord, account: String) -> SecurityGroupRule {
        SecurityGroupRule(
            securityGroupRuleId: record.id, groupId: record.groupId, groupOwnerId: account, isEgress: record.isEgress,
            ipProtocol: record.ipProtocol, fromPort: record.fromPort ?? -1, toPort: record.toPort ?? -1,
            cidrIpv4: record.cidrIpv4,
            referencedGroupInfo: record.referencedGroupId.map { ReferencedSecurityGroup(groupId: $0, userId: account) },
            description: record.description)
    }
}
