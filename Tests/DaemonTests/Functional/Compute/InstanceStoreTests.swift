import API
import Foundation
import IaasTesting
import Testing

/// Instance store (c5d, m5d): a local disk with no replication, erased on stop and terminate, while the EBS
/// root keeps its data.
@Suite("EC2 instance store")
struct InstanceStoreTests {
    @Test func theInstanceStoreIsErasedOnStopWhileTheRootVolumeKeepsItsData() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let id = try await client.runInstance(image: fixture.image, type: "c5d.large").instanceId
            try await client.waitForInstance(id, state: "running")
            let store = fixture.data + "/zones/us-east-1a/instance-store/\(id).raw"
            let size = try FileManager.default.attributesOfItem(atPath: store)[.size] as? Int
            #expect(size == 50_000_000_000, "50 GB, as AWS's c5d.large")
            let shell = try fixture.shell(id)
            #expect(try await shell.run("cat /sys/block/vdb/size") == String(50_000_000_000 / 512))
            _ = try await shell.run("echo ephemeral > /dev/vdb && echo durable > /mnt/root/keep && sync")
            #expect(try await shell.run("head -c 9 /dev/vdb") == "ephemeral")

            _ = try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [id]))
            try await client.waitForInstance(id, state: "stopped")
            #expect(!FileManager.default.fileExists(atPath: store), "erased at stop")
            _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [id]))
            try await client.waitForInstance(id, state: "running")
            let again = try fixture.shell(id)
            #expect(
                try await again.run("head -c 9 /dev/vdb | od -An -c | tr -d ' \\n'") == "\\0\\0\\0\\0\\0\\0\\0\\0\\0")
            #expect(try await again.run("cat /mnt/root/keep") == "durable")

            _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [id]))
            try await client.waitForInstance(id, state: "terminated")
            #expect(!FileManager.default.fileExists(atPath: store), "erased at terminate")
            await fixture.stop()
        }
    }
}
