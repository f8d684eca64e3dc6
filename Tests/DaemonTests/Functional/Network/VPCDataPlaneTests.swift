import API
import Foundation
import IaasTesting
import Testing
import VPCNetwork

/// The VPC data plane with real guests: instances reach each other by internal hostname, the outside reaches
/// them by public address and external hostname through NAT, a stop and start changes the public address,
/// an Elastic IP moves, a daemon restart keeps traffic flowing, terminate leaves nothing behind.
@Suite("VPC data plane", .enabled(if: VPCFixture.unavailable == nil, "needs root, /dev/net/tun and ip, nft, dnsmasq"))
struct VPCDataPlaneTests {
    @Test func instancesTalkByNameAndTheOutsideReachesThemByPublicAddress() async throws {
        try await GuestLease.exclusive {
            try await VPCFixture.with { fixture in try await instancesTalk(fixture) }
        }
    }

    private func instancesTalk(_ fixture: VPCFixture) async throws {
        let client = fixture.client
        let a = try await client.runInstance(image: fixture.image, type: "t3.nano").instanceId
        let b = try await client.runInstance(image: fixture.image, type: "t3.nano", zone: "us-east-1b").instanceId
        let first = try await client.waitForInstance(a, state: "running")
        let second = try await client.waitForInstance(b, state: "running")
        #expect(first.networkMode == "vpc")
        #expect(second.privateIpAddress.hasPrefix("172.31.16."), "us-east-1b's subnet is 172.31.16.0/20")

        // Inside: each guest has its private address and hostname by DHCP, and reaches the other (in
        // another subnet, through the VPC's router) by internal hostname.
        let shell = try fixture.compute.shell(a)
        #expect(try await shell.run("hostname") == first.privateDnsName.split(separator: ".")[0].description)
        #expect(try await shell.run("ip -4 -o addr show eth0").contains(first.privateIpAddress + "/20"))
        let ping = try await shell.run("ping -c 2 -W 2 \(second.privateDnsName)")
        #expect(ping.contains("2 packets received"), "ping by name: \(ping)")
        let page = try await shell.run("wget -q -O - http://\(second.privateDnsName)/")
        #expect(page.contains(second.privateIpAddress), "guest to guest HTTP by name: \(page)")
        // The VPC's DNS resolves an external hostname to the private address, as AWS's does.
        let lookup = try await shell.run("nslookup \(second.publicDnsName)")
        #expect(lookup.contains(second.privateIpAddress), "\(lookup)")

        // Outside: the public address and the external hostname answer with the guest's page.
        let publicA = try #require(first.publicIpAddress)
        let publicB = try #require(second.publicIpAddress)
        #expect(try await fixture.outsideGet(publicA)?.contains(first.privateIpAddress) == true)
        #expect(try await fixture.outsideGet(second.publicDnsName)?.contains(second.privateIpAddress) == true)
        // Hairpin: a guest reaches another by its public address (DNAT, and SNAT to the sender's public address
        // so that the replies come back through NAT).
        let hairpin = try await shell.run("wget -q -O - http://\(publicB)/")
        #expect(hairpin.contains(second.privateIpAddress), "instance to instance by public address: \(hairpin)")
        // The outside cannot reach private addresses.
        #expect(try await fixture.outsideGet(first.privateIpAddress) == nil)

        // Stop and start: a new public address answers, the old one no longer does.
        _ = try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [b]))
        _ = try await client.waitForInstance(b, state: "stopped")
        #expect(try await fixture.outsideGet(publicB) == nil)
        #expect(try await fixture.taps().count == 1, "a stopped instance has no tap")
        _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [b]))
        let restarted = try await client.waitForInstance(b, state: "running")
        let newB = try #require(restarted.publicIpAddress)
        #expect(newB != publicB)
        #expect(try await fixture.outsideGet(newB)?.contains(second.privateIpAddress) == true)
        #expect(try await fixture.outsideGet(publicB) == nil)
        #expect(restarted.privateIpAddress == second.privateIpAddress, "the private address stays")

        // An Elastic IP answers for its instance as soon as AssociateAddress returns, and moves at once.
        let eip = try await client.call(Methods.allocateAddress, AllocateAddressRequest(domain: "vpc"))
        #expect(try await fixture.outsideGet(eip.publicIp) == nil, "an unassociated address answers nothing")
        _ = try await client.call(
            Methods.associateAddress, AssociateAddressRequest(allocationId: eip.allocationId, instanceId: a))
        #expect(try await fixture.outsideGet(eip.publicIp)?.contains(first.privateIpAddress) == true)
        #expect(try await fixture.outsideGet(publicA) == nil, "the pool address A had is released")
        let moved = try await client.call(
            Methods.associateAddress,
            AssociateAddressRequest(allocationId: eip.allocationId, instanceId: b, allowReassociation: true))
        #expect(try await fixture.outsideGet(eip.publicIp)?.contains(second.privateIpAddress) == true)
        // The instance the address left gets a pool address, which answers for it.
        let left = try #require(try await client.instance(a).publicIpAddress)
        #expect(left != eip.publicIp)
        #expect(try await fixture.outsideGet(left)?.contains(first.privateIpAddress) == true)
        _ = try await client.call(
            Methods.disassociateAddress, DisassociateAddressRequest(associationId: moved.associationId))
        #expect(try await fixture.outsideGet(eip.publicIp) == nil)
        _ = try await client.call(Methods.releaseAddress, ReleaseAddressRequest(allocationId: eip.allocationId))

        // kill -9 of the daemon: traffic keeps flowing, and the restarted daemon adopts what is there.
        let now = try await client.instance(b)
        let publicNow = try #require(now.publicIpAddress)
        try await fixture.compute.restart()
        #expect(try await fixture.outsideGet(publicNow)?.contains(second.privateIpAddress) == true)
        #expect(try await fixture.taps().count == 2)
        #expect(fixture.dnsmasqs() == 1, "one dnsmasq, not one per start")
        #expect(try await fixture.natMappings().count == 2)
        let again = try await fixture.client.waitForInstance(a, state: "running")
        #expect(try await fixture.outsideGet(try #require(again.publicIpAddress)) != nil)

        // Terminate: no tap, no lease, no NAT, no outside name left.
        _ = try await fixture.client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [a, b]))
        _ = try await fixture.client.waitForInstance(a, state: "terminated")
        _ = try await fixture.client.waitForInstance(b, state: "terminated")
        // Each terminate applies the region once its machine is gone: the last apply leaves the end state.
        try await eventually {
            try await fixture.isEmptyOfInstances()
        }
    }

    @Test func theGuestReadsItsOwnMetadataAndUserData() async throws {
        try await GuestLease.exclusive {
            try await VPCFixture.with { fixture in
                let userData = "#!/bin/sh\necho hello from user data\n"
                let id = try await fixture.client.runInstance(
                    image: fixture.image, type: "t3.nano", userData: Data(userData.utf8).base64EncodedString()
                ).instanceId
                let running = try await fixture.client.waitForInstance(id, state: "running")
                let shell = try fixture.compute.shell(id)
                func get(_ path: String, token: String? = nil) async throws -> String {
                    let header = token.map { "--header 'X-aws-ec2-metadata-token: \($0)' " } ?? ""
                    return try await shell.run("wget -q -O - \(header)http://169.254.169.254/latest/\(path)")
                }
                // IMDSv1: a plain GET.
                #expect(try await get("meta-data/instance-id") == id)
                #expect(try await get("meta-data/local-ipv4") == running.privateIpAddress)
                #expect(try await get("meta-data/local-hostname") == running.privateDnsName)
                #expect(try await get("meta-data/public-ipv4") == running.publicIpAddress)
                #expect(try await get("meta-data/placement/availability-zone") == "us-east-1a")
                #expect(try await get("user-data") == userData.dropLast())
                // IMDSv2: a token from PUT, then GETs that carry it. (busybox's nc stops at its input's end:
                // the input stays open until the answer is in; the service closes an HTTP/1.0 connection.)
                let token = try await shell.run(
                    "(printf 'PUT /latest/api/token HTTP/1.0\\r\\nX-aws-ec2-metadata-token-ttl-seconds: 60\\r\\n\\r\\n'; sleep 5) | nc 169.254.169.254 80 | tail -n 1"
                )
                #expect(!token.isEmpty && !token.contains(" "), "\(token)")
                #expect(try await get("meta-data/instance-id", token: token) == id)
                let refused = try await shell.run(
                    "wget -q -O - --header 'X-aws-ec2-metadata-token: forged' http://169.254.169.254/latest/meta-data/instance-id; echo status=$?"
                )
                #expect(refused.hasSuffix("status=1"), "a bad token is refused: \(refused)")
                // The outside cannot reach the service.
                #expect(try await fixture.outsideGet("169.254.169.254") == nil)
            }
        }
    }

    @Test func theHostReachesPublicAddressesOnlyWhenAskedTo() async throws {
        try await GuestLease.exclusive {
            let link = try await VPCFixture.with(arguments: ["--network-host-route"]) { fixture in
                let link = HostRoute.hostLink(fixture.layout)
                #expect(FileManager.default.fileExists(atPath: "/sys/class/net/\(link)"))
                let id = try await fixture.client.runInstance(image: fixture.image, type: "t3.nano").instanceId
                let running = try await fixture.client.waitForInstance(id, state: "running")
                let address = try #require(running.publicIpAddress)
                func hostGet() async throws -> String? {
                    let run = try await CommandRun.run("/usr/bin/curl", ["-s", "-m", "2", "http://\(address)/"])
                    return run.status == 0 ? run.stdout : nil
                }
                func hostRoutes() async throws -> String {
                    try await CommandRun.run("/usr/sbin/ip", ["route", "show", "\(address)/32"]).stdout
                }
                #expect(try await hostGet()?.contains(running.privateIpAddress) == true, "from the host's own shell")
                #expect(try await hostRoutes().contains("via 198.19.254.2"))
                // Stopped: the address and its route go. (The pool's route keeps the address inside: the
                // namespace drops it, nothing leaves the host.)
                _ = try await fixture.client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [id]))
                _ = try await fixture.client.waitForInstance(id, state: "stopped")
                try await eventually { try await hostRoutes().isEmpty }
                #expect(try await hostGet() == nil)
                return link
            }
            // The namespace's end of the link went with the namespace, and the host's end with it.
            #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(link)"))
        }
    }

    @Test func daemonStatusSaysWhichModeIsActive() async throws {
        try await VPCFixture.with { fixture in
            let status = try await fixture.client.call(Methods.status)
            #expect(status.networkMode == "vpc")
            // Before any instance: the namespaces, the link and the bridge are there, and one dnsmasq.
            #expect(FileManager.default.fileExists(atPath: "/run/netns/\(fixture.layout.outsideNamespace)"))
            #expect(fixture.dnsmasqs() == 1)
            #expect(try await fixture.taps().isEmpty)
            // A second daemon may not take the same namespaces.
            let other = try TemporaryDirectory()
            defer { other.remove() }
            let second = try await CommandRun.run(
                try DaemonProcess.binary(),
                [
                    "--data-dir", other.path + "/data", "--network", "vpc", "--network-namespace-prefix",
                    fixture.layout.prefix,
                ])
            #expect(second.status != 0 && second.stderr.contains("is in use by iaasd"), "\(second.stderr)")
        }
    }
}

/// Polls `condition` every 100 ms for up to `timeout`; fails the test if it never holds.
func eventually(
    timeout: Duration = .seconds(30), _ condition: () async throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("the condition never held within \(timeout)", sourceLocation: sourceLocation)
}
