import API
import Foundation
import IaasTesting
import Store
import Testing

/// Snapshots, copies and restores under crashes: after a restart no snapshot stays pending (a detached
/// volume's is taken again, whole), a restore finishes with the snapshot's data, and the temporary files
/// and unreferenced blobs of the interrupted job are collected.
@Suite("EBS snapshots under crashes")
struct SnapshotCrashTests {
    private let grace = ["IAASD_BLOB_GRACE_SECONDS": "1"]
    private let data = TestBytes.pattern(6 << 19, seed: 3)

    @Test(arguments: [
        "snapshot.create.after-intent", "snapshot.create.after-pause", "snapshot.create.after-read",
        "snapshot.create.after-blobs",
    ])
    func anInterruptedSnapshotOfADetachedVolumeIsTakenAgain(point: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.path + "/data"
        let inspector = DataDirectoryInspector(root: root)
        // A first snapshot completes, so the volume's change map counts from it.
        let first = try await DaemonProcess(dataDirectory: root)
        let firstClient = try await first.client()
        let volume = try await firstClient.newVolume(size: 1)
        try inspector.writeVolume(volume, at: 1 << 20, data)
        let base = try await firstClient.waitForSnapshot(try await firstClient.createSnapshot(volume).snapshotId)
        await firstClient.close()
        #expect(await first.terminate() == 0)

        var expected = data
        let change = TestBytes.pattern(1 << 19, seed: 4)
        try inspector.writeVolume(volume, at: 1 << 20, change)
        expected.replaceSubrange(0..<change.count, with: change)
        let armed = try await DaemonProcess(dataDirectory: root, crashAt: point)
        let armedClient = try await armed.client()
        _ = await awsCode { _ = try await armedClient.createSnapshot(volume) }
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)

        let daemon = try await DaemonProcess(dataDirectory: root, environment: grace)
        let client = try await daemon.client()
        let snapshots = try await client.call(Methods.describeSnapshots, DescribeSnapshotsRequest()).snapshots
        #expect(snapshots.count == 2)
        let resumed = try #require(snapshots.first { $0.snapshotId != base.snapshotId })
        let snapshot = try await client.waitForSnapshot(resumed.snapshotId)
        #expect(snapshot.state == "completed" && snapshot.fullSnapshotSizeInBytes == Int64(data.count))
        let restored = try await client.restoreVolume(snapshot.snapshotId, zone: "us-east-1b")
        #expect(
            try inspector.readVolume(restored.volumeId, at: 1 << 20, count: data.count, zone: "us-east-1b")
                == expected)
        // The crashed job's temporary files go, and every zone ends with exactly the two snapshots' blocks.
        try await waitUntil {
            ["us-east-1a", "us-east-1b", "us-east-1c"].allSatisfy {
                inspector.blobTemporaries(zone: $0).isEmpty && inspector.blobs(zone: $0).count == 7
            }
        }
        // However the capture was interrupted, the change map still misses nothing.
        let last = TestBytes.pattern(100, seed: 5)
        try inspector.writeVolume(volume, at: (1 << 20) + (3 << 19), last)
        expected.replaceSubrange((3 << 19)..<((3 << 19) + last.count), with: last)
        let after = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
        let again = try await client.restoreVolume(after.snapshotId)
        #expect(try inspector.readVolume(again.volumeId, at: 1 << 20, count: data.count) == expected)
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test(arguments: ["snapshot.import.after-intent", "snapshot.import.after-blobs"])
    func anInterruptedImportIsStartedOver(point: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.path + "/data"
        let inspector = DataDirectoryInspector(root: root)
        let armed = try await DaemonProcess(dataDirectory: root, crashAt: point)
        let armedClient = try await armed.client()
        try await armedClient.createBucket("images")
        try await armedClient.putObject("images", "disk.raw", data)
        _ = await awsCode {
            _ = try await SnapshotImportTests.importImage(armedClient, bucket: "images", key: "disk.raw")
        }
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)

        let daemon = try await DaemonProcess(dataDirectory: root, environment: grace)
        let client = try await daemon.client()
        let tasks = try await client.call(Methods.describeImportSnapshotTasks, DescribeImportSnapshotTasksRequest())
        let task = try #require(tasks.importSnapshotTasks.first)
        let detail = try await SnapshotImportTests.waitForImport(client, task.importTaskId)
        #expect(detail.status == "completed", "\(detail)")
        let restored = try await client.restoreVolume(try #require(detail.snapshotId), zone: "us-east-1c")
        #expect(try inspector.readVolume(restored.volumeId, at: 0, count: data.count, zone: "us-east-1c") == data)
        try await waitUntil {
            ["us-east-1a", "us-east-1b", "us-east-1c"].allSatisfy { inspector.blobTemporaries(zone: $0).isEmpty }
        }
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test(arguments: ["snapshot.copy.after-intent", "snapshot.copy.after-blobs"])
    func anInterruptedCopyIsFinished(point: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.path + "/data"
        let inspector = DataDirectoryInspector(root: root)
        let source = try await snapshotOfData(in: root)
        var client: IaasClient

        let armed = try await DaemonProcess(dataDirectory: root, crashAt: point)
        client = try await armed.client()
        _ = await awsCode {
            _ = try await client.call(
                Methods.copySnapshot,
                CopySnapshotRequest(sourceRegion: "us-east-1", sourceSnapshotId: source.snapshotId))
        }
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)

        let daemon = try await DaemonProcess(dataDirectory: root)
        client = try await daemon.client()
        let copies = try await client.call(Methods.describeSnapshots, DescribeSnapshotsRequest()).snapshots
            .filter { $0.snapshotId != source.snapshotId }
        #expect(copies.count == 1)
        let copy = try await client.waitForSnapshot(try #require(copies.first).snapshotId)
        #expect(copy.state == "completed")
        let restored = try await client.restoreVolume(copy.snapshotId)
        #expect(try inspector.readVolume(restored.volumeId, at: 0, count: data.count) == data)
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test(arguments: ["volume.restore.after-intent", "volume.restore.after-blocks"])
    func anInterruptedRestoreFinishesWithTheSnapshotsData(point: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.path + "/data"
        let inspector = DataDirectoryInspector(root: root)
        let snapshot = try await snapshotOfData(in: root)
        var client: IaasClient

        let armed = try await DaemonProcess(dataDirectory: root, crashAt: point)
        client = try await armed.client()
        // The restore runs after the answer; the crash may come before the answer is written.
        _ = await awsCode {
            _ = try await client.call(
                Methods.createVolume,
                CreateVolumeRequest(availabilityZone: "us-east-1c", snapshotId: snapshot.snapshotId))
        }
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)

        let daemon = try await DaemonProcess(dataDirectory: root)
        client = try await daemon.client()
        let restoring = try await client.call(
            Methods.describeVolumes,
            DescribeVolumesRequest(filters: [Filter(name: "availability-zone", values: ["us-east-1c"])])
        ).volumes
        #expect(restoring.count == 1)
        let restored = try await client.waitForVolume(try #require(restoring.first).volumeId, state: "available")
        #expect(restored.snapshotId == snapshot.snapshotId && restored.size == 1)
        for replica in 0..<2 {
            #expect(
                try inspector.readVolume(
                    restored.volumeId, at: 0, count: data.count, replica: replica, zone: "us-east-1c")
                    == data)
        }
        #expect(try inspector.violations() == [])
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    /// A completed snapshot of a volume holding `data` at offset 0, taken by a daemon that then stops.
    private func snapshotOfData(in root: String) async throws -> Snapshot {
        let daemon = try await DaemonProcess(dataDirectory: root)
        let client = try await daemon.client()
        let volume = try await client.newVolume(size: 1)
        try DataDirectoryInspector(root: root).writeVolume(volume, at: 0, data)
        let snapshot = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
        await client.close()
        #expect(await daemon.terminate() == 0)
        return snapshot
    }
}
