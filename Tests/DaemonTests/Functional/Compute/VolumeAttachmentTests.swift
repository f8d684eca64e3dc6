import API
import Foundation
import IaasTesting
import Testing

/// Volumes on instances: hot-plugged into running guests, carried between instances with their data,
/// attached to stopped ones for their next start, and AWS's rules.
@Suite("EBS volumes on instances")
struct VolumeAttachmentTests {
    @Test func aVolumeCarriesItsDataFromOneInstanceToAnother() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let first = try await client.runInstance(image: fixture.image).instanceId
            let second = try await client.runInstance(image: fixture.image).instanceId
            try await client.waitForInstance(first, state: "running")
            try await client.waitForInstance(second, state: "running")
            let volume = try await client.newVolume()

            let attaching = try await client.call(
                Methods.attachVolume, AttachVolumeRequest(volumeId: volume, instanceId: first, device: "/dev/sdf"))
            #expect(attaching.state == "attaching" && attaching.device == "/dev/sdf")
            let attached = try await client.waitForVolume(volume, state: "in-use", attachment: "attached")
            #expect(attached.attachments.first?.instanceId == first)
            #expect(
                try await client.instance(first).blockDeviceMappings.map(\.deviceName) == ["/dev/sdf", "/dev/xvda"])
            let shell = try fixture.shell(first)
            #expect(
                try await shell.run("for i in $(seq 100); do [ -b /dev/vdb ] && break; sleep 0.1; done; ls /dev/vdb")
                    == "/dev/vdb")
            _ = try await shell.run("echo carried-across > /dev/vdb && sync")

            _ = try await client.call(Methods.detachVolume, DetachVolumeRequest(volumeId: volume))
            try await client.waitForVolume(volume, state: "available")
            #expect(try await shell.run("ls /dev/vdb 2>&1").contains("No such file"), "the guest let it go")

            _ = try await client.call(
                Methods.attachVolume, AttachVolumeRequest(volumeId: volume, instanceId: second, device: "/dev/sdg"))
            try await client.waitForVolume(volume, state: "in-use", attachment: "attached")
            let reader = try fixture.shell(second)
            #expect(
                try await reader.run(
                    "for i in $(seq 100); do [ -b /dev/vdb ] && break; sleep 0.1; done; head -c 14 /dev/vdb")
                    == "carried-across")

            // On a stopped instance: detached and attached at once, present at the next start.
            _ = try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [second]))
            try await client.waitForInstance(second, state: "stopped")
            _ = try await client.call(Methods.detachVolume, DetachVolumeRequest(volumeId: volume, instanceId: second))
            try await client.waitForVolume(volume, state: "available")
            _ = try await client.call(
                Methods.attachVolume, AttachVolumeRequest(volumeId: volume, instanceId: second, device: "/dev/sdh"))
            try await client.waitForVolume(volume, state: "in-use", attachment: "attached")
            _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [second]))
            try await client.waitForInstance(second, state: "running")
            #expect(try await fixture.shell(second).run("head -c 14 /dev/vdb") == "carried-across")

            // Terminating keeps a volume that is not DeleteOnTermination.
            _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [first, second]))
            try await client.waitForInstance(second, state: "terminated")
            try await client.waitForVolume(volume, state: "available")
            await fixture.stop()
        }
    }

    @Test func attachmentRulesAreAWSs() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let instance = try await client.runInstance(image: fixture.image)
            let id = instance.instanceId
            let root = try #require(instance.blockDeviceMappings.first?.ebs.volumeId)
            try await client.waitForInstance(id, state: "running")
            let elsewhere = try await client.newVolume(zone: "us-east-1b")
            let volume = try await client.newVolume()
            func attach(_ volume: String, _ device: String, to instance: String = id) async -> String? {
                await awsCode {
                    _ = try await client.call(
                        Methods.attachVolume,
                        AttachVolumeRequest(volumeId: volume, instanceId: instance, device: device))
                }
            }
            #expect(await attach(elsewhere, "/dev/sdf") == "InvalidVolume.ZoneMismatch")
            #expect(await attach(volume, "/dev/hda") == "InvalidParameterValue")
            #expect(await attach(volume, "/dev/xvda") == "InvalidParameterValue")
            #expect(await attach(root, "/dev/sdf") == "VolumeInUse")
            #expect(await attach("vol-0123456789abcdef0", "/dev/sdf") == "InvalidVolume.NotFound")
            #expect(await attach(volume, "/dev/sdf", to: "i-0123456789abcdef0") == "InvalidInstanceID.NotFound")
            #expect(await attach(volume, "/dev/sdf") == nil)
            try await client.waitForVolume(volume, state: "in-use", attachment: "attached")
            let another = try await client.newVolume()
            #expect(await attach(another, "/dev/sdf") == "InvalidParameterValue", "the device is taken")
            #expect(
                await awsCode {
                    _ = try await client.call(Methods.deleteVolume, DeleteVolumeRequest(volumeId: volume))
                } == "VolumeInUse")
            #expect(
                await awsCode {
                    _ = try await client.call(Methods.detachVolume, DetachVolumeRequest(volumeId: another))
                }
                    == "IncorrectState")
            #expect(
                await awsCode { _ = try await client.call(Methods.detachVolume, DetachVolumeRequest(volumeId: root)) }
                    == "OperationNotPermitted")
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.detachVolume, DetachVolumeRequest(volumeId: volume, instanceId: "i-0123456789abcdef0"))
                } == "InvalidAttachment.NotFound")
            #expect(try await client.volume(another).state == "available")
            await fixture.stop()
        }
    }
}
