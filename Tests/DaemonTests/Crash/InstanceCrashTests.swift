import API
import Foundation
import IaasTesting
import Store
import Testing

/// Instances under crashes: the daemon dies at each named point of run, boot, stop and terminate; the next
/// start finishes the action, and leaves one machine per running instance and none for the others.
@Suite("EC2 instances under crashes")
struct InstanceCrashTests {
    /// Crashes while launching: the instance still ends `running`, with its root volume attached.
    @Test(arguments: ["instance.run.after-intent", "instance.boot.after-volume", "instance.boot.after-start"])
    func aLaunchInterruptedByACrashIsFinished(point: String) async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            try await fixture.restart(crashAt: point)
            let client = fixture.client
            let image = fixture.image
            // The answer races the crash for the points the boot reaches: either is fine.
            _ = try? await client.runInstance(image: image)
            #expect(await fixture.daemon.waitForExit() == CrashPoint.exitStatus, "iaasd should have died at \(point)")
            try await fixture.restart()
            let reservations = try await fixture.client.call(Methods.describeInstances, DescribeInstancesRequest())
                .reservations
            let instance = try #require(reservations.first?.instances.first, "the intent was committed before \(point)")
            let running = try await fixture.client.waitForInstance(instance.instanceId, state: "running")
            #expect(running.blockDeviceMappings.first?.ebs.status == "attached")
            #expect(fixture.machines().count == 1, "one machine: a half-started one is killed, not kept twice")
            #expect(
                try await fixture.shell(instance.instanceId).run("cat /mnt/root/etc/iaas-release").hasPrefix("iaas"))
            await fixture.stop()
        }
    }

    /// Crashes while stopping or terminating a running instance: the action is finished at the next start.
    @Test(arguments: [
        "instance.stop.after-intent", "instance.stop.after-machine", "instance.terminate.after-intent",
        "instance.terminate.after-machine",
    ])
    func aStopOrTerminateInterruptedByACrashIsFinished(point: String) async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let launched = try await fixture.client.runInstance(image: fixture.image)
            try await fixture.client.waitForInstance(launched.instanceId, state: "running")
            let root = try #require(launched.blockDeviceMappings.first?.ebs.volumeId)
            try await fixture.restart(crashAt: point)
            let ids = InstanceIdsRequest(instanceIds: [launched.instanceId])
            let terminating = point.hasPrefix("instance.terminate")
            if terminating {
                _ = try? await fixture.client.call(Methods.terminateInstances, ids)
            } else {
                _ = try? await fixture.client.call(
                    Methods.stopInstances, StopInstancesRequest(instanceIds: ids.instanceIds))
            }
            #expect(await fixture.daemon.waitForExit() == CrashPoint.exitStatus, "iaasd should have died at \(point)")
            try await fixture.restart()
            let final = try await fixture.client.waitForInstance(
                launched.instanceId, state: terminating ? "terminated" : "stopped")
            #expect(final.publicIpAddress == nil)
            #expect(fixture.machines().isEmpty, "no machine left behind")
            let volumes = try await fixture.client.call(Methods.describeVolumes, DescribeVolumesRequest()).volumes
            #expect(volumes.map(\.volumeId) == (terminating ? [] : [root]))
            await fixture.stop()
        }
    }

    /// Crashes while attaching or detaching a volume of a running instance: finished at the next start, the
    /// guest's view matching the record.
    @Test(arguments: ["volume.attach.after-intent", "volume.attach.after-plug", "volume.detach.after-intent"])
    func anAttachOrDetachInterruptedByACrashIsFinished(point: String) async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let id = try await fixture.client.runInstance(image: fixture.image).instanceId
            try await fixture.client.waitForInstance(id, state: "running")
            let volume = try await fixture.client.newVolume()
            let attach = AttachVolumeRequest(volumeId: volume, instanceId: id, device: "/dev/sdf")
            let detaching = point.hasPrefix("volume.detach")
            if detaching {
                _ = try await fixture.client.call(Methods.attachVolume, attach)
                try await fixture.client.waitForVolume(volume, state: "in-use", attachment: "attached")
            }
            try await fixture.restart(crashAt: point)
            if detaching {
                _ = try? await fixture.client.call(Methods.detachVolume, DetachVolumeRequest(volumeId: volume))
            } else {
                _ = try? await fixture.client.call(Methods.attachVolume, attach)
            }
            #expect(await fixture.daemon.waitForExit() == CrashPoint.exitStatus, "iaasd should have died at \(point)")
            try await fixture.restart()
            let shell = try fixture.shell(id)
            if detaching {
                try await fixture.client.waitForVolume(volume, state: "available")
                #expect(try await shell.run("sleep 1; ls /dev/vdb 2>&1").contains("No such file"))
            } else {
                try await fixture.client.waitForVolume(volume, state: "in-use", attachment: "attached")
                #expect(
                    try await shell.run(
                        "for i in $(seq 100); do [ -b /dev/vdb ] && break; sleep 0.1; done; ls /dev/vdb")
                        == "/dev/vdb")
            }
            await fixture.stop()
        }
    }
}
