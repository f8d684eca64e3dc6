import API
import Foundation
import IaasTesting
import Testing

/// ImportSnapshot: a raw disk image put in S3 becomes a snapshot (zero blocks not stored), and a volume made
/// of it holds the image byte for byte.
@Suite("EBS snapshot imports")
struct SnapshotImportTests {
    /// 2 MiB + 100 KiB: a block of data, a block of zeros, data again, and a short last block.
    static let image: [UInt8] = {
        var bytes = TestBytes.pattern((2 << 20) + 100_000, seed: 9)
        bytes.replaceSubrange((512 << 10)..<(1 << 20), with: [UInt8](repeating: 0, count: 512 << 10))
        return bytes
    }()

    static func importImage(_ client: IaasClient, bucket: String, key: String, format: String = "RAW") async throws
        -> ImportSnapshotResult
    {
        try await client.call(
            Methods.importSnapshot,
            ImportSnapshotRequest(
                description: "imported",
                diskContainer: SnapshotDiskContainer(
                    format: format, userBucket: UserBucket(s3Bucket: bucket, s3Key: key))))
    }

    static func waitForImport(_ client: IaasClient, _ id: String) async throws -> SnapshotTaskDetail {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let tasks = try await client.call(
                Methods.describeImportSnapshotTasks, DescribeImportSnapshotTasksRequest(importTaskIds: [id]))
            let detail = try #require(tasks.importSnapshotTasks.first).snapshotTaskDetail
            if detail.status != "active" { return detail }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CancellationError()
    }

    @Test func aRawImageInS3BecomesASnapshotAndAVolume() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("images")
        try await client.putObject("images", "disk.raw", Self.image)

        let started = try await Self.importImage(client, bucket: "images", key: "disk.raw", format: "raw")
        #expect(started.importTaskId.hasPrefix("import-snap-"))
        #expect(started.snapshotTaskDetail.userBucket == UserBucket(s3Bucket: "images", s3Key: "disk.raw"))
        // The object may change now: the import reads the version it was started on.
        try await client.putObject("images", "disk.raw", [1, 2, 3])
        let detail = try await Self.waitForImport(client, started.importTaskId)
        #expect(detail.status == "completed" && detail.diskImageSize == Double(Self.image.count))
        let snapshot = try await client.snapshot(try #require(detail.snapshotId))
        #expect(snapshot.state == "completed" && snapshot.volumeId == "vol-ffffffff" && snapshot.volumeSize == 1)
        #expect(
            snapshot.fullSnapshotSizeInBytes == Int64(Self.image.count - (512 << 10)), "the zero block is not stored")

        let volume = try await client.restoreVolume(snapshot.snapshotId, zone: "us-east-1b")
        #expect(
            try fixture.inspector.readVolume(volume.volumeId, at: 0, count: Self.image.count, zone: "us-east-1b")
                == Self.image)
        let all = try await client.call(Methods.describeImportSnapshotTasks, DescribeImportSnapshotTasksRequest())
        #expect(all.importSnapshotTasks.map(\.importTaskId) == [started.importTaskId])
        await fixture.stop()
    }

    @Test func badImportsAreRefused() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("images")
        try await client.putObject("images", "disk.vhd", [1])
        try await client.putObject("images", "empty", [])
        func code(_ body: () async throws -> Void) async -> String? { await awsCode(body) }
        #expect(
            await code { _ = try await Self.importImage(client, bucket: "images", key: "disk.vhd", format: "VHD") }
                == "InvalidParameter")
        #expect(
            await code { _ = try await Self.importImage(client, bucket: "images", key: "nothing") }
                == "InvalidParameter")
        #expect(
            await code { _ = try await Self.importImage(client, bucket: "ghost", key: "disk.raw") }
                == "InvalidParameter")
        #expect(
            await code { _ = try await Self.importImage(client, bucket: "images", key: "empty") } == "InvalidParameter")
        #expect(
            await code {
                _ = try await client.call(
                    Methods.importSnapshot,
                    ImportSnapshotRequest(diskContainer: SnapshotDiskContainer(format: "RAW", userBucket: nil)))
            } == "InvalidParameter")
        #expect(
            await code {
                _ = try await client.call(
                    Methods.describeImportSnapshotTasks,
                    DescribeImportSnapshotTasksRequest(importTaskIds: ["import-snap-0123456789abcdef0"]))
            } == "InvalidConversionTaskId")
        // Nothing was made.
        #expect(try await client.call(Methods.describeSnapshots, DescribeSnapshotsRequest()).snapshots.isEmpty)
        await fixture.stop()
    }
}
