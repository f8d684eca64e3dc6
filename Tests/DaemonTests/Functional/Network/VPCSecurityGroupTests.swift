import API
import Foundation
import IaasTesting
import Testing

/// Security groups on real packets: a rule added lets traffic in, revoked it stops it again, a new group
/// keeps everything out, membership changes apply at once, egress rules hold, and replies of an allowed
/// flow pass (stateful).
@Suite(
    "VPC security groups",
    .enabled(if: VPCFixture.unavailable == nil, "needs root, /dev/net/tun and ip, nft, dnsmasq"))
struct VPCSecurityGroupTests {
    @Test func rulesAndMembershipDecideWhatPasses() async throws {
        try await GuestLease.exclusive {
            try await VPCFixture.with { fixture in try await rulesDecide(fixture) }
        }
    }

    private func rulesDecide(_ fixture: VPCFixture) async throws {
        let client = fixture.client
        let web = try await client.call(
            Methods.createSecurityGroup, CreateSecurityGroupRequest(groupName: "web", description: "web servers")
        ).groupId
        let standard = try await client.call(
            Methods.describeSecurityGroups, DescribeSecurityGroupsRequest(groupNames: ["default"])
        ).securityGroups[0].groupId
        // Two instances of one subnet: A in the default group, B in "web" alone.
        let a = try await client.runInstance(image: fixture.image, type: "t3.nano").instanceId
        let b = try await client.call(
            Methods.runInstances,
            RunInstancesRequest(imageId: fixture.image, instanceType: "t3.nano", securityGroupIds: [web])
        ).instances[0].instanceId
        let first = try await client.waitForInstance(a, state: "running")
        let second = try await client.waitForInstance(b, state: "running")
        let shellA = try fixture.compute.shell(a)
        let shellB = try fixture.compute.shell(b)
        func ping(_ shell: GuestShell, _ address: String) async throws -> Bool {
            try await shell.run("ping -c 1 -W 2 \(address) >/dev/null 2>&1; echo $?") == "0"
        }
        let publicB = try #require(second.publicIpAddress)

        // A new group lets nothing in: not A (same subnet, another group), not the outside.
        #expect(try await !ping(shellA, second.privateIpAddress))
        #expect(try await fixture.outsideGet(publicB) == nil)
        // B may send (its group's egress allows all), and A's default group admits... only its members.
        #expect(try await !ping(shellB, first.privateIpAddress))

        // Rules added: ICMP from the default group's members, HTTP from anywhere. They apply before the call
        // returns.
        _ = try await client.call(
            Methods.authorizeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(
                groupId: web,
                ipPermissions: [
                    IpPermission(
                        ipProtocol: "icmp", fromPort: -1, toPort: -1,
                        userIdGroupPairs: [UserIdGroupPair(groupId: standard)]),
                    IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, ipRanges: [IpRange(cidrIp: "0.0.0.0/0")]),
                ]))
        #expect(try await ping(shellA, second.privateIpAddress), "A is a member of the group the rule names")
        // A guest cannot pass for an address that is not its own: the bridge drops it before any rule.
        let spoofed = try await shellA.run(
            "ip addr add 172.31.0.99/20 dev eth0; ping -c 1 -W 2 -I 172.31.0.99 \(second.privateIpAddress) >/dev/null 2>&1; echo $?; ip addr del 172.31.0.99/20 dev eth0"
        )
        #expect(spoofed == "1", "a packet from an address A does not own: \(spoofed)")
        #expect(try await fixture.outsideGet(publicB)?.contains(second.privateIpAddress) == true)
        let page = try await shellA.run("wget -q -O - http://\(second.privateIpAddress)/")
        #expect(page.contains(second.privateIpAddress), "HTTP from A too: \(page)")

        // Revoked: the outside is shut out again.
        _ = try await client.call(
            Methods.revokeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(
                groupId: web, ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIp: "0.0.0.0/0"))
        #expect(try await fixture.outsideGet(publicB) == nil)
        #expect(try await ping(shellA, second.privateIpAddress), "the ICMP rule stays")

        // Egress: with its everything rule revoked, B reaches nothing, though its replies to A still pass.
        _ = try await client.call(
            Methods.revokeSecurityGroupEgress,
            SecurityGroupPermissionsRequest(
                groupId: web, ipPermissions: [IpPermission(ipProtocol: "-1", ipRanges: [IpRange(cidrIp: "0.0.0.0/0")])])
        )
        #expect(try await ping(shellA, second.privateIpAddress), "replies of an allowed flow pass (stateful)")
        #expect(try await !ping(shellB, RegionGateway.outside), "B may not send anything out")

        // Membership: B joins the default group, whose members reach each other.
        _ = try await client.call(
            Methods.modifyInstanceAttribute, ModifyInstanceAttributeRequest(instanceId: b, groups: [standard]))
        #expect(try await ping(shellB, first.privateIpAddress))
        #expect(try await client.instance(b).securityGroups?.map(\.groupId) == [standard])
    }
}

/// The outside end of a region's link: an address an instance with a public IP can ping.
enum RegionGateway {
    static let outside = "198.19.255.254"
}
