import API
import Foundation
import IaasTesting
import Store
import Testing

/// The VPC data plane under crashes: the daemon dies at each named step of setting up an instance's
/// network, of moving an Elastic IP, and in the middle of a terminate; after the restart every piece is
/// there once (tap, lease, NAT, dnsmasq) and nothing of a terminated instance is left.
@Suite(
    "VPC data plane under crashes",
    .enabled(if: VPCFixture.unavailable == nil, "needs root, /dev/net/tun and ip, nft, dnsmasq"))
struct NetworkCrashTests {
    /// Crashes between the steps of a boot's network setup: the resumed boot finishes it, and the outside
    /// reaches the instance.
    @Test(arguments: ["network.apply.after-taps", "network.apply.after-dhcp", "network.apply.after-nat"])
    func aBootsNetworkSetupInterruptedByACrashIsFinished(point: String) async throws {
        try await GuestLease.exclusive {
            try await VPCFixture.with { fixture in
                try await fixture.compute.restart(crashAt: point)
                // The answer races the crash: either is fine.
                _ = try? await fixture.client.runInstance(image: fixture.image, type: "t3.nano")
                #expect(
                    await fixture.compute.daemon.waitForExit() == CrashPoint.exitStatus,
                    "iaasd should have died at \(point)")
                try await fixture.compute.restart()
                let reservations = try await fixture.client.call(
                    Methods.describeInstances, DescribeInstancesRequest()
                ).reservations
                let id = try #require(reservations.first?.instances.first?.instanceId)
                let running = try await fixture.client.waitForInstance(id, state: "running")
                let address = try #require(running.publicIpAddress)
                #expect(try await fixture.outsideGet(address)?.contains(running.privateIpAddress) == true)
                #expect(try await fixture.taps() == ["tap" + id.suffix(12)])
                #expect(try await fixture.natMappings() == [address: running.privateIpAddress])
                #expect(fixture.dnsmasqs() == 1)
            }
        }
    }

    /// A crash after an Elastic IP's association was committed, before its NAT moved: the next start moves it.
    @Test func anElasticIPMovedBeforeACrashAnswersAfterTheRestart() async throws {
        try await GuestLease.exclusive {
            try await VPCFixture.with { fixture in
                let id = try await fixture.client.runInstance(image: fixture.image, type: "t3.nano").instanceId
                let running = try await fixture.client.waitForInstance(id, state: "running")
                let own = try #require(running.publicIpAddress)
                let point = "address.associate.after-commit"
                try await fixture.compute.restart(crashAt: point)
                let eip = try await fixture.client.call(Methods.allocateAddress, AllocateAddressRequest(domain: "vpc"))
                _ = try? await fixture.client.call(
                    Methods.associateAddress, AssociateAddressRequest(allocationId: eip.allocationId, instanceId: id))
                #expect(
                    await fixture.compute.daemon.waitForExit() == CrashPoint.exitStatus,
                    "iaasd should have died at \(point)")
                try await fixture.compute.restart()
                #expect(try await fixture.client.instance(id).publicIpAddress == eip.publicIp)
                #expect(try await fixture.outsideGet(eip.publicIp)?.contains(running.privateIpAddress) == true)
                #expect(try await fixture.outsideGet(own) == nil)
                #expect(try await fixture.natMappings() == [eip.publicIp: running.privateIpAddress])
            }
        }
    }

    /// kill -9 in the middle of a terminate: after the restart nothing of the instance is left.
    @Test func aTerminateInterruptedByACrashLeavesNothingBehind() async throws {
        try await GuestLease.exclusive {
            try await VPCFixture.with { fixture in
                let id = try await fixture.client.runInstance(image: fixture.image, type: "t3.nano").instanceId
                _ = try await fixture.client.waitForInstance(id, state: "running")
                let point = "instance.terminate.after-intent"
                try await fixture.compute.restart(crashAt: point)
                _ = try? await fixture.client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [id]))
                #expect(
                    await fixture.compute.daemon.waitForExit() == CrashPoint.exitStatus,
                    "iaasd should have died at \(point)")
                try await fixture.compute.restart()
                _ = try await fixture.client.waitForInstance(id, state: "terminated")
                try await eventually {
                    try await fixture.isEmptyOfInstances()
                }
                #expect(fixture.compute.machines().isEmpty)
            }
        }
    }
}
