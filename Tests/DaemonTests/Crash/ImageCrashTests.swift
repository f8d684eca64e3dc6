import API
import Foundation
import IaasTesting
import Store
import Testing

/// CreateImage under a crash while the instance is paused for its snapshot: the next start lets the guest
/// run again, marks the snapshot `error` (its point in time is lost: the guest may have written since) and
/// the image `failed`; nothing stays pending.
@Suite("Custom AMIs under crashes")
struct ImageCrashTests {
    @Test func anImageInterruptedWhileItsInstanceIsPausedFails() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let instance = try await fixture.client.runInstance(image: fixture.image).instanceId
            try await fixture.client.waitForInstance(instance, state: "running")
            try await fixture.restart(crashAt: "snapshot.create.after-pause")
            _ = try? await fixture.client.call(
                Methods.createImage, CreateImageRequest(instanceId: instance, name: "interrupted"))
            #expect(await fixture.daemon.waitForExit() == CrashPoint.exitStatus)
            try await fixture.restart()
            let client = fixture.client
            let image = try #require(
                try await client.call(Methods.describeImages, DescribeImagesRequest(owners: ["self"])).images.first)
            #expect(image.state == "failed")
            let snapshots = try await client.call(Methods.describeSnapshots, DescribeSnapshotsRequest()).snapshots
            #expect(snapshots.count == 1 && snapshots.first?.state == "error")
            #expect(snapshots.first?.stateMessage?.contains("create another snapshot") == true)
            // The guest was resumed: it answers.
            #expect(try await fixture.shell(instance).run("echo alive") == "alive")
            #expect(try await client.instance(instance).state.name == "running")
            await fixture.stop()
        }
    }
}
