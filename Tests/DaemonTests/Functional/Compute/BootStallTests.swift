import API
import Foundation
import IaasTesting
import Testing

/// A guest whose kernel reports a stall before it is ready gets its machine started again, a few times at
/// most: real guests whose initrd says what a hung kernel says (TCG hangs too rarely to wait for one).
@Suite("Boots that stall")
struct BootStallTests {
    /// An init that prints the RCU stall report and hangs, unless `once` and its root volume is marked from
    /// an earlier boot; then it marks nothing and runs the default init.
    private static func stallingInit(once: Bool) -> String {
        """
        #!/bin/busybox sh
        /bin/busybox mount -t devtmpfs devtmpfs /dev
        for module in virtio_ring virtio virtio_mmio virtio_blk; do /bin/busybox insmod /lib/modules/$module.ko; done
        for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; /bin/busybox sleep 0.2; done
        if [ "\(once ? "" : "always")$(/bin/busybox head -c 12 /dev/vda)" != "stalled-once" ]; then
            printf stalled-once | /bin/busybox dd of=/dev/vda conv=notrunc,fsync 2>/dev/null
            echo "[   21.809884] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:" > /dev/ttyS0
            exec /bin/busybox sleep 1000000
        fi
        /bin/busybox umount /dev
        exec /bin/busybox sh /init.real

        """
    }

    private static func image(_ fixture: ComputeFixture, once: Bool) async throws -> String {
        let defaultInit = try String(contentsOfFile: GuestImage.repository + "/guests/default/init", encoding: .utf8)
        let ramdisk = try CustomRamdisk.build(
            imageDirectory: fixture.imageDirectory,
            files: ["init": stallingInit(once: once), "init.real": defaultInit])
        return try await CustomRamdisk.registerMachineImage(
            fixture.client, name: once ? "stall-once" : "stall-always", imageDirectory: fixture.imageDirectory,
            ramdisk: ramdisk
        ).image
    }

    @Test func aGuestThatStalledOnceIsStartedAgainAndRuns() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let instance = try await client.runInstance(
                image: try await Self.image(fixture, once: true), type: "t3.nano"
            )
            .instanceId
            let running = try await client.waitForInstance(instance, state: "running")
            let root = try #require(running.blockDeviceMappings.first { $0.deviceName == "/dev/xvda" })
            #expect(
                try DataDirectoryInspector(root: fixture.data).readVolume(root.ebs.volumeId, at: 0, count: 12)
                    == Array("stalled-once".utf8), "the first boot ran, stalled and marked its root volume")
            await fixture.stop()
        }
    }

    @Test func aGuestThatAlwaysStallsEndsStoppedWithTheReason() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let instance = try await client.runInstance(
                image: try await Self.image(fixture, once: false), type: "t3.nano"
            ).instanceId
            let stopped = try await client.waitForInstance(instance, state: "stopped", timeout: .seconds(90))
            let reason = try #require(stopped.stateReason?.message)
            #expect(reason.contains("stalled") && reason.contains("rcu_preempt detected stalls"), "\(reason)")
            #expect(fixture.machines().isEmpty, "no machine is left running")
            await fixture.stop()
        }
    }
}
