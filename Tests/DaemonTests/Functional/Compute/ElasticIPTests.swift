import API
import Foundation
import IaasTesting
import Testing

/// Elastic IPs: allocated from the public pool, replacing an instance's public address, kept through a stop
/// and start, moved, released; AWS's errors.
@Suite("EC2 Elastic IPs")
struct ElasticIPTests {
    @Test func anElasticIPReplacesThePublicAddressAndStaysThroughAStop() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let id = try await client.runInstance(image: fixture.image).instanceId
            let own = try #require(try await client.waitForInstance(id, state: "running").publicIpAddress)
            let first = try await client.call(Methods.allocateAddress, AllocateAddressRequest(domain: "vpc"))
            #expect(first.publicIp.hasPrefix("198.18.0.") && first.publicIp != own)
            let association = try await client.call(
                Methods.associateAddress, AssociateAddressRequest(allocationId: first.allocationId, instanceId: id))
            #expect(try await client.instance(id).publicIpAddress == first.publicIp)
            let described = try await client.call(
                Methods.describeAddresses, DescribeAddressesRequest(allocationIds: [first.allocationId])
            ).addresses
            #expect(described.first?.instanceId == id && described.first?.associationId == association.associationId)
            #expect(described.first?.privateIpAddress == "172.31.0.4")

            // Through a stop and a start: the same address.
            _ = try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [id]))
            #expect(try await client.waitForInstance(id, state: "stopped").publicIpAddress == first.publicIp)
            _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [id]))
            #expect(try await client.waitForInstance(id, state: "running").publicIpAddress == first.publicIp)

            // A second Elastic IP replaces the first, which is free again.
            let second = try await client.call(Methods.allocateAddress, AllocateAddressRequest())
            let moved = try await client.call(
                Methods.associateAddress, AssociateAddressRequest(allocationId: second.allocationId, instanceId: id))
            #expect(try await client.instance(id).publicIpAddress == second.publicIp)
            #expect(
                try await client.call(
                    Methods.describeAddresses, DescribeAddressesRequest(allocationIds: [first.allocationId])
                ).addresses.first?.instanceId == nil)
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.releaseAddress, ReleaseAddressRequest(allocationId: second.allocationId))
                } == "InvalidIPAddress.InUse")

            // Disassociated: the running instance gets a pool address again, neither Elastic IP.
            _ = try await client.call(
                Methods.disassociateAddress, DisassociateAddressRequest(associationId: moved.associationId))
            let after = try #require(try await client.instance(id).publicIpAddress)
            #expect(after != first.publicIp && after != second.publicIp)
            for allocation in [first.allocationId, second.allocationId] {
                _ = try await client.call(Methods.releaseAddress, ReleaseAddressRequest(allocationId: allocation))
            }
            #expect(try await client.call(Methods.describeAddresses, DescribeAddressesRequest()).addresses.isEmpty)
            await fixture.stop()
        }
    }

    @Test func badAddressRequestsGetAWSErrors() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let address = try await client.call(Methods.allocateAddress, AllocateAddressRequest())
        let cases: [(String, () async throws -> Void)] = [
            (
                "InvalidParameterValue",
                { _ = try await client.call(Methods.allocateAddress, AllocateAddressRequest(domain: "moon")) }
            ),
            (
                "InvalidAllocationID.NotFound",
                {
                    _ = try await client.call(
                        Methods.releaseAddress, ReleaseAddressRequest(allocationId: "eipalloc-0123456789abcdef0"))
                }
            ),
            (
                "InvalidAllocationID.Malformed",
                { _ = try await client.call(Methods.releaseAddress, ReleaseAddressRequest(allocationId: "eip-1")) }
            ),
            (
                "InvalidInstanceID.NotFound",
                {
                    _ = try await client.call(
                        Methods.associateAddress,
                        AssociateAddressRequest(allocationId: address.allocationId, instanceId: "i-0123456789abcdef0"))
                }
            ),
            (
                "InvalidAssociationID.NotFound",
                {
                    _ = try await client.call(
                        Methods.disassociateAddress,
                        DisassociateAddressRequest(associationId: "eipassoc-0123456789abcdef0"))
                }
            ),
            (
                "InvalidAddress.NotFound",
                {
                    _ = try await client.call(
                        Methods.describeAddresses, DescribeAddressesRequest(publicIps: ["203.0.113.9"]))
                }
            ),
        ]
        for (index, (code, call)) in cases.enumerated() {
            #expect(await awsCode(call) == code, "case \(index)")
        }
        let tagged = try await client.call(
            Methods.describeAddresses,
            DescribeAddressesRequest(filters: [Filter(name: "public-ip", values: [address.publicIp])]))
        #expect(tagged.addresses.map(\.allocationId) == [address.allocationId])
        await fixture.stop()
    }
}
