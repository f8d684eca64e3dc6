import API
import Foundation
import IaasTesting
import Testing

/// A snapshot of a volume a running guest writes to: the guest is paused (QMP `stop`, which drains and
/// flushes its disks) from the call until the volume is read, so the snapshot holds what the guest had
/// written before the call and nothing it writes after.
@Suite("EBS snapshots of running instances")
struct RunningSnapshotTests {
    @Test func aSnapshotOfAnAttachedVolumeIsAPointInTime() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let inspector = DataDirectoryInspector(root: fixture.data)
            let instance = try await client.runInstance(image: fixture.image).instanceId
            try await client.waitForInstance(instance, state: "running")
            let volume = try await client.newVolume()
            // A snapshot while detached: the volume's change map is trusted from it on, until QEMU, which
            // does not mark it, gets the volume.
            _ = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
            _ = try await client.call(
                Methods.attachVolume, AttachVolumeRequest(volumeId: volume, instanceId: instance, device: "/dev/sdf"))
            try await client.waitForVolume(volume, state: "in-use", attachment: "attached")
            let shell = try fixture.shell(instance)
            #expect(
                try await shell.run("for i in $(seq 100); do [ -b /dev/vdb ] && break; sleep 0.1; done; ls /dev/vdb")
                    == "/dev/vdb")
            _ = try await shell.run("echo before-the-call > /dev/vdb && sync")

            let started = try await client.createSnapshot(volume)
            #expect(started.state == "pending")
            _ = try await shell.run("echo after-the-call-1 > /dev/vdb && sync")
            let snapshot = try await client.waitForSnapshot(started.snapshotId)
            #expect(snapshot.state == "completed")

            let restored = try await client.restoreVolume(snapshot.snapshotId)
            #expect(
                String(decoding: try inspector.readVolume(restored.volumeId, at: 0, count: 15), as: UTF8.self)
                    == "before-the-call")
            #expect(
                String(decoding: try inspector.readVolume(volume, at: 0, count: 16), as: UTF8.self)
                    == "after-the-call-1")
            // The guest runs on after its pause.
            #expect(try await client.instance(instance).state.name == "running")
            #expect(try await shell.run("head -c 16 /dev/vdb") == "after-the-call-1")

            // QEMU does not mark the volume's change map, so the next snapshot does not trust it: what the
            // guest wrote after the first is in the second.
            let second = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
            let again = try await client.restoreVolume(second.snapshotId)
            #expect(
                String(decoding: try inspector.readVolume(again.volumeId, at: 0, count: 16), as: UTF8.self)
                    == "after-the-call-1")
            await fixture.stop()
        }
    }
}
