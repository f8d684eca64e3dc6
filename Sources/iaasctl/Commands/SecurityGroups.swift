import API
import ArgumentParser
import Foundation

extension Iaasctl {
    struct CreateSecurityGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a security group in the default VPC: nothing in, everything out.")

        @OptionGroup var global: GlobalOptions

        @Option var groupName: String

        @Option var description: String

        @Option(parsing: .upToNextOption, help: "ResourceType=security-group,Tags=[{Key=K,Value=V}]")
        var tagSpecifications: [String] = []

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.createSecurityGroup,
                CreateSecurityGroupRequest(
                    groupName: groupName, description: description,
                    tagSpecifications: tagSpecifications.isEmpty
                        ? nil : try tagSpecifications.map(Shorthand.tagSpecification))
            ) { Table(headers: ["GROUP-ID"], rows: [[$0.groupId]]) }
        }
    }

    struct DeleteSecurityGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a security group no instance is in and no rule names.")

        @OptionGroup var global: GlobalOptions

        @Option var groupId: String?

        @Option var groupName: String?

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: groupId, groupName: groupName)
            ) { Table(headers: ["RETURN", "GROUP-ID"], rows: [[String($0.return), $0.groupId]]) }
        }
    }

    struct DescribeSecurityGroups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List security groups and their rules.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption) var groupIds: [String] = []

        @Option(parsing: .upToNextOption) var groupNames: [String] = []

        @Option(parsing: .upToNextOption, help: "Name=group-name,Values=web")
        var filters: [String] = []

        func run() async throws {
            let request = DescribeSecurityGroupsRequest(
                groupIds: groupIds.isEmpty ? nil : groupIds, groupNames: groupNames.isEmpty ? nil : groupNames,
                filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter))
            try await Invocation(options: global).run(Methods.describeSecurityGroups, request) { result in
                Table(
                    headers: ["GROUP-ID", "NAME", "DIRECTION", "PROTOCOL", "PORTS", "PEER"],
                    rows: result.securityGroups.flatMap { group in
                        let rules =
                            group.ipPermissions.flatMap { Self.rows("in", $0) }
                            + group.ipPermissionsEgress.flatMap { Self.rows("out", $0) }
                        return rules.isEmpty
                            ? [[group.groupId, group.groupName, "-", "-", "-", "-"]]
                            : rules.map { [group.groupId, group.groupName] + $0 }
                    })
            }
        }

        private static func rows(_ direction: String, _ permission: IpPermission) -> [[String]] {
            let proto = permission.ipProtocol == "-1" ? "all" : permission.ipProtocol
            let ports =
                permission.fromPort.map { from in
                    let to = permission.toPort ?? from
                    return from == to ? "\(from)" : "\(from)-\(to)"
                } ?? "all"
            let peers =
                (permission.ipRanges ?? []).compactMap(\.cidrIp)
                + (permission.userIdGroupPairs ?? []).compactMap(\.groupId)
            return peers.map { [direction, proto, ports, $0] }
        }
    }

    /// The options authorize and revoke share: a group, and rules as the AWS CLI takes them (`--protocol`,
    /// `--port`, `--cidr` or `--source-group`), or `--ip-permissions` as JSON.
    struct RuleOptions: ParsableArguments {
        @Option var groupId: String?

        @Option var groupName: String?

        @Option(help: "tcp, udp, icmp, all, or a protocol number.")
        var `protocol`: String?

        @Option(help: "A port or a range (22, 8000-8080); for ICMP, the type (-1: any).")
        var port: String?

        @Option(help: "The peer: an IPv4 CIDR.")
        var cidr: String?

        @Option(help: "The peer: a group's id, whose members the rule names.")
        var sourceGroup: String?

        @Option(help: #"JSON: [{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}]"#)
        var ipPermissions: String?

        @Option(parsing: .upToNextOption, help: "Rules to revoke, by id (sgr-…).")
        var securityGroupRuleIds: [String] = []

        func request() throws -> SecurityGroupPermissionsRequest {
            var request = SecurityGroupPermissionsRequest(
                groupId: groupId, groupName: groupName,
                securityGroupRuleIds: securityGroupRuleIds.isEmpty ? nil : securityGroupRuleIds)
            if let ipPermissions {
                request.ipPermissions = try AWSCoding.decode(
                    [IpPermission].self, fromJSON: Array(ipPermissions.utf8), strict: true)
            } else if let `protocol` {
                var permission = IpPermission(ipProtocol: `protocol` == "all" ? "-1" : `protocol`)
                if let port {
                    let bounds = port.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                    let first = bounds.first.flatMap { Int($0) }
                    let last = bounds.count == 2 ? Int(bounds[1]) : first
                    guard let first, let last else {
                        throw ValidationError("--port must be a number or a range such as 8000-8080.")
                    }
                    (permission.fromPort, permission.toPort) = (
                        first, `protocol` == "icmp" && bounds.count == 1 ? -1 : last
                    )
                }
                if let sourceGroup {
                    permission.userIdGroupPairs = [UserIdGroupPair(groupId: sourceGroup)]
                } else {
                    permission.ipRanges = [IpRange(cidrIp: cidr ?? "0.0.0.0/0")]
                }
                request.ipPermissions = [permission]
            }
            return request
        }
    }

    struct AuthorizeSecurityGroupIngress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let traffic in to a group's members.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var rules: RuleOptions

        func run() async throws {
            try await Invocation(options: global).run(Methods.authorizeSecurityGroupIngress, try rules.request()) {
                ruleTable($0.securityGroupRules)
            }
        }
    }

    struct AuthorizeSecurityGroupEgress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a group's members send traffic out.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var rules: RuleOptions

        func run() async throws {
            try await Invocation(options: global).run(Methods.authorizeSecurityGroupEgress, try rules.request()) {
                ruleTable($0.securityGroupRules)
            }
        }
    }

    struct RevokeSecurityGroupIngress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove inbound rules of a group.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var rules: RuleOptions

        func run() async throws {
            try await Invocation(options: global).run(Methods.revokeSecurityGroupIngress, try rules.request()) {
                ruleTable($0.revokedSecurityGroupRules)
            }
        }
    }

    struct RevokeSecurityGroupEgress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove outbound rules of a group.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var rules: RuleOptions

        func run() async throws {
            try await Invocation(options: global).run(Methods.revokeSecurityGroupEgress, try rules.request()) {
                ruleTable($0.revokedSecurityGroupRules)
            }
        }
    }
}

/// Rules as a table: their ids, directions, protocols, ports and peers.
private func ruleTable(_ rules: [SecurityGroupRule]) -> Table {
    Table(
        headers: ["RULE-ID", "GROUP-ID", "DIRECTION", "PROTOCOL", "PORTS", "PEER"],
        rows: rules.map { rule in
            [
                rule.securityGroupRuleId, rule.groupId, rule.isEgress ? "out" : "in",
                rule.ipProtocol == "-1" ? "all" : rule.ipProtocol,
                rule.fromPort == rule.toPort ? "\(rule.fromPort)" : "\(rule.fromPort)-\(rule.toPort)",
                rule.cidrIpv4 ?? rule.referencedGroupInfo?.groupId ?? "-",
            ]
        })
}
