import API
import Foundation
import IaasTesting
import Testing

/// Security groups through the API: the default group, groups made, described, tagged and deleted, rules
/// authorized and revoked, membership at launch and by ModifyInstanceAttribute, and AWS's errors. (What the
/// rules do to packets is VPCSecurityGroupTests'.)
@Suite("EC2 security groups")
struct SecurityGroupTests {
    private func tcp(_ port: Int, _ cidr: String = "0.0.0.0/0") -> IpPermission {
        IpPermission(ipProtocol: "tcp", fromPort: port, toPort: port, ipRanges: [IpRange(cidrIp: cidr)])
    }

    private func group(_ client: IaasClient, _ id: String) async throws -> SecurityGroup {
        try #require(
            try await client.call(Methods.describeSecurityGroups, DescribeSecurityGroupsRequest(groupIds: [id]))
                .securityGroups.first)
    }

    @Test func theDefaultGroupAndANewGroupStartAsInAWS() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let all = try await client.call(Methods.describeSecurityGroups, DescribeSecurityGroupsRequest())
        let standard = try #require(all.securityGroups.first { $0.groupName == "default" })
        #expect(all.securityGroups.count == 1)
        #expect(standard.description == "default VPC security group" && standard.vpcId == "vpc-00000000000000001")
        // Members reach each other; everything may leave.
        #expect(
            standard.ipPermissions
                == [
                    IpPermission(
                        ipProtocol: "-1",
                        userIdGroupPairs: [UserIdGroupPair(groupId: standard.groupId, userId: "000000000000")])
                ].map {
                    var p = $0; p.ipRanges = []; return p
                })
        #expect(standard.ipPermissionsEgress.first?.ipRanges?.first?.cidrIp == "0.0.0.0/0")

        let created = try await client.call(
            Methods.createSecurityGroup,
            CreateSecurityGroupRequest(
                groupName: "web", description: "web servers",
                tagSpecifications: [
                    TagSpecification(resourceType: "security-group", tags: [Tag(key: "tier", value: "front")])
                ]))
        #expect(
            created.groupId.hasPrefix("sg-") && created.securityGroupArn.hasSuffix("security-group/\(created.groupId)"))
        let web = try await group(client, created.groupId)
        #expect(web.ipPermissions.isEmpty, "a new group lets nothing in")
        #expect(web.ipPermissionsEgress.count == 1)
        #expect(web.tags == [Tag(key: "tier", value: "front")])
        let byName = try await client.call(
            Methods.describeSecurityGroups, DescribeSecurityGroupsRequest(groupNames: ["web"]))
        #expect(byName.securityGroups.map(\.groupId) == [created.groupId])
        let filtered = try await client.call(
            Methods.describeSecurityGroups,
            DescribeSecurityGroupsRequest(filters: [Filter(name: "tag:tier", values: ["front"])]))
        #expect(filtered.securityGroups.map(\.groupId) == [created.groupId])

        // Refusals: a name taken or reserved or malformed, an unknown VPC, unknown ids.
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: "web", description: "again"))
            } == "InvalidGroup.Duplicate")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: "default", description: "d"))
            } == "InvalidGroup.Reserved")
        // Names are case-insensitive, as in AWS: `Default` is the reserved name too.
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: "Default", description: "d"))
            } == "InvalidGroup.Reserved")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: "WEB", description: "again"))
            } == "InvalidGroup.Duplicate")
        for name in ["sg-web", "", String(repeating: "a", count: 256), "tab\there"] {
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: name, description: "d"))
                } == "InvalidParameterValue", "name \(name.prefix(10))")
        }
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createSecurityGroup,
                    CreateSecurityGroupRequest(groupName: "x", description: "d", vpcId: "vpc-0123456789abcdef0"))
            } == "InvalidVpcID.NotFound")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.describeSecurityGroups, DescribeSecurityGroupsRequest(groupIds: ["sg-0123456789abcdef0"]))
            } == "InvalidGroup.NotFound")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.describeSecurityGroups, DescribeSecurityGroupsRequest(groupIds: ["web"]))
            } == "InvalidGroupId.Malformed")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: standard.groupId))
            } == "CannotDelete")
        _ = try await client.call(Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupName: "web"))
        #expect(
            try await client.call(Methods.describeSecurityGroups, DescribeSecurityGroupsRequest()).securityGroups.count
                == 1)
        await fixture.stop()
    }

    @Test func rulesAreAuthorizedAndRevokedAllOrNone() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let id = try await client.call(
            Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: "db", description: "databases")
        ).groupId
        let standard = try await client.call(
            Methods.describeSecurityGroups, DescribeSecurityGroupsRequest(groupNames: ["default"])
        ).securityGroups[0].groupId
        let added = try await client.call(
            Methods.authorizeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(
                groupId: id,
                ipPermissions: [
                    tcp(5432, "10.0.0.0/8"),
                    IpPermission(
                        ipProtocol: "6", fromPort: 5432, toPort: 5432,
                        userIdGroupPairs: [UserIdGroupPair(groupId: standard)]),
                    IpPermission(
                        ipProtocol: "icmp", fromPort: 8, toPort: -1, ipRanges: [IpRange(cidrIp: "172.31.0.0/16")]),
                ]))
        #expect(added.securityGroupRules.count == 3)
        #expect(added.securityGroupRules.allSatisfy { $0.securityGroupRuleId.hasPrefix("sgr-") && !$0.isEgress })
        #expect(added.securityGroupRules[1].ipProtocol == "tcp", "6 is tcp")
        #expect(added.securityGroupRules[1].referencedGroupInfo?.groupId == standard)
        // The flat form of older SDKs.
        _ = try await client.call(
            Methods.authorizeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(
                groupId: id, ipProtocol: "udp", fromPort: 53, toPort: 53, cidrIp: "10.1.0.0/16"))
        var described = try await group(client, id)
        let postgres = try #require(described.ipPermissions.first { $0.fromPort == 5432 })
        #expect(
            postgres.ipRanges?.map(\.cidrIp) == ["10.0.0.0/8"]
                && postgres.userIdGroupPairs?.map(\.groupId) == [standard])
        #expect(described.ipPermissions.count == 3)

        // Refusals change nothing: a duplicate (even beside a new rule), bad protocols, ports and CIDRs.
        let before = described
        let refusals: [(IpPermission, String)] = [
            (tcp(5432, "10.0.0.0/8"), "InvalidPermission.Duplicate"),
            (
                IpPermission(ipProtocol: "tcp", fromPort: 90, toPort: 80, ipRanges: [IpRange(cidrIp: "0.0.0.0/0")]),
                "InvalidParameterValue"
            ),
            (IpPermission(ipProtocol: "tcp", ipRanges: [IpRange(cidrIp: "0.0.0.0/0")]), "InvalidParameterValue"),
            (
                IpPermission(ipProtocol: "tcp", fromPort: 0, toPort: 70000, ipRanges: [IpRange(cidrIp: "0.0.0.0/0")]),
                "InvalidParameterValue"
            ),
            (IpPermission(ipProtocol: "gre2", ipRanges: [IpRange(cidrIp: "0.0.0.0/0")]), "InvalidParameterValue"),
            (tcp(22, "10.0.0.1/8"), "InvalidParameterValue"),
            (tcp(22, "10.0.0.0/33"), "InvalidParameterValue"),
            (tcp(22, "ten/8"), "InvalidParameterValue"),
            (tcp(22, "+10.0.0.0/8"), "InvalidParameterValue"),
            (tcp(22, "010.0.0.0/8"), "InvalidParameterValue"),
            (tcp(22, "10.0.0.0/+8"), "InvalidParameterValue"),
            (IpPermission(ipProtocol: "tcp", fromPort: 22, toPort: 22), "InvalidParameterValue"),
            (
                IpPermission(
                    ipProtocol: "tcp", fromPort: 22, toPort: 22,
                    userIdGroupPairs: [UserIdGroupPair(groupId: "sg-0123456789abcdef0")]), "InvalidGroup.NotFound"
            ),
        ]
        for (permission, code) in refusals {
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.authorizeSecurityGroupIngress,
                        SecurityGroupPermissionsRequest(groupId: id, ipPermissions: [tcp(8080), permission]))
                } == code, "\(permission)")
        }
        var ipv6 = tcp(22)
        ipv6.ipRanges = nil
        ipv6.ipv6Ranges = [IpRange(cidrIp: "::/0")]
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.authorizeSecurityGroupIngress,
                    SecurityGroupPermissionsRequest(groupId: id, ipPermissions: [ipv6]))
            } == "InvalidParameterValue")
        #expect(try await group(client, id) == before, "a refused request adds nothing")
        // The flat form names its protocol (else it would allow them all); egress takes IpPermissions only.
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.authorizeSecurityGroupIngress,
                    SecurityGroupPermissionsRequest(groupId: id, fromPort: 22, toPort: 22, cidrIp: "10.0.0.0/8"))
            } == "MissingParameter")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.authorizeSecurityGroupEgress,
                    SecurityGroupPermissionsRequest(groupId: id, ipProtocol: "tcp", fromPort: 22, toPort: 22))
            } == "InvalidParameterCombination")

        // Revoke by permission, then by id; what is not there is refused.
        _ = try await client.call(
            Methods.revokeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(groupId: id, ipPermissions: [tcp(5432, "10.0.0.0/8")]))
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.revokeSecurityGroupIngress,
                    SecurityGroupPermissionsRequest(groupId: id, ipPermissions: [tcp(5432, "10.0.0.0/8")]))
            } == "InvalidPermission.NotFound")
        let icmp = try #require(added.securityGroupRules.last?.securityGroupRuleId)
        let revoked = try await client.call(
            Methods.revokeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(groupId: id, securityGroupRuleIds: [icmp]))
        #expect(revoked.revokedSecurityGroupRules.map(\.securityGroupRuleId) == [icmp])
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.revokeSecurityGroupIngress,
                    SecurityGroupPermissionsRequest(groupId: id, securityGroupRuleIds: [icmp]))
            } == "InvalidSecurityGroupRuleId.NotFound")
        described = try await group(client, id)
        #expect(described.ipPermissions.count == 2)

        // Egress: the everything rule revoked, one port allowed.
        _ = try await client.call(
            Methods.revokeSecurityGroupEgress,
            SecurityGroupPermissionsRequest(
                groupId: id, ipPermissions: [IpPermission(ipProtocol: "-1", ipRanges: [IpRange(cidrIp: "0.0.0.0/0")])]))
        _ = try await client.call(
            Methods.authorizeSecurityGroupEgress,
            SecurityGroupPermissionsRequest(groupId: id, ipPermissions: [tcp(443)]))
        #expect(try await group(client, id).ipPermissionsEgress.map(\.fromPort) == [443])

        // A group a rule names cannot go while the rule is there.
        #expect(
            await awsCode {
                _ = try await client.call(Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: standard))
            } == "CannotDelete")
        let other = try await client.call(
            Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: "app", description: "app")
        ).groupId
        _ = try await client.call(
            Methods.authorizeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(
                groupId: id,
                ipPermissions: [
                    IpPermission(
                        ipProtocol: "tcp", fromPort: 1, toPort: 2, userIdGroupPairs: [UserIdGroupPair(groupId: other)])
                ]))
        #expect(
            await awsCode {
                _ = try await client.call(Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: other))
            } == "DependencyViolation")
        _ = try await client.call(Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: id))
        _ = try await client.call(Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: other))
        await fixture.stop()
    }

    @Test func instancesAreInTheGroupsTheyAreGiven() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let web = try await client.call(
                Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: "web", description: "web")
            ).groupId
            let standard = try await client.call(
                Methods.describeSecurityGroups, DescribeSecurityGroupsRequest(groupNames: ["default"])
            ).securityGroups[0].groupId
            let plain = try await client.runInstance(image: fixture.image)
            #expect(plain.securityGroups == [GroupIdentifier(groupId: standard, groupName: "default")])
            let reservation = try await client.call(
                Methods.runInstances, RunInstancesRequest(imageId: fixture.image, securityGroupIds: [web]))
            let id = reservation.instances[0].instanceId
            #expect(reservation.instances[0].securityGroups == [GroupIdentifier(groupId: web, groupName: "web")])
            #expect(
                await awsCode {
                    _ = try await client.call(Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: web))
                } == "DependencyViolation")
            // Refused launches: an unknown group, more than five.
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.runInstances,
                        RunInstancesRequest(imageId: fixture.image, securityGroupIds: ["sg-0123456789abcdef0"]))
                } == "InvalidGroup.NotFound")
            var six: [String] = []
            for index in 0..<6 {
                six.append(
                    try await client.call(
                        Methods.createSecurityGroup,
                        CreateSecurityGroupRequest(groupName: "g\(index)", description: "g")
                    ).groupId)
            }
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.runInstances, RunInstancesRequest(imageId: fixture.image, securityGroupIds: six))
                } == "SecurityGroupsPerInterfaceLimitExceeded")
            // ModifyInstanceAttribute: the groups are replaced.
            _ = try await client.call(
                Methods.modifyInstanceAttribute,
                ModifyInstanceAttributeRequest(instanceId: id, groups: [standard, six[0]]))
            #expect(try await client.instance(id).securityGroups?.map(\.groupId) == [standard, six[0]])
            _ = try await client.call(Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: web))
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.modifyInstanceAttribute, ModifyInstanceAttributeRequest(instanceId: id, groups: []))
                } == "MissingParameter")
            // Terminated instances hold no group.
            _ = try await client.call(
                Methods.terminateInstances, InstanceIdsRequest(instanceIds: [id, plain.instanceId]))
            _ = try await client.waitForInstance(id, state: "terminated")
            _ = try await client.call(Methods.deleteSecurityGroup, DeleteSecurityGroupRequest(groupId: six[0]))
            await fixture.stop()
        }
    }
}
