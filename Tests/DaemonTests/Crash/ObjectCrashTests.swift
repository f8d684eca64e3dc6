import API
import Foundation
import IaasTesting
import Store
import Testing

/// PutObject under crashes: a put that dies before its commit leaves nothing visible and its blobs are
/// collected; one that dies after it reads back whole, and every zone catches up.
@Suite("S3 puts under crashes")
struct ObjectCrashTests {
    private let body = TestBytes.pattern(9 << 20)
    /// The collector's grace period, shortened so a test sees its sweep.
    private let grace = ["IAASD_BLOB_GRACE_SECONDS": "1"]

    @Test func aSmallPutThatDiesBeforeItsCommitLeavesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let armed = try await DaemonProcess(dataDirectory: data, crashAt: "s3.put.after-blobs")
        let armedClient = try await armed.client()
        try await armedClient.createBucket("bucket")
        #expect(await awsCode { try await armedClient.putObject("bucket", "k", Array(body.prefix(4096))) } != nil)
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)
        let inspector = DataDirectoryInspector(root: data)
        #expect(inspector.packedBlobs(zone: "us-east-1a").count == 1 && inspector.blobs(zone: "us-east-1a").isEmpty)

        let daemon = try await DaemonProcess(dataDirectory: data, environment: grace)
        let client = try await daemon.client()
        #expect(await awsCode { _ = try await client.getObject("bucket", "k") } == "NoSuchKey")
        try await waitUntil { inspector.packedBlobs(zone: "us-east-1a").isEmpty }
        // A small object put now is kept, and reaches every zone's pack.
        try await client.putObject("bucket", "kept", Array(body.prefix(4096)))
        try await waitUntil { inspector.packedBlobs(zone: "us-east-1c").count == 1 }
        try await Task.sleep(for: .seconds(2))
        #expect(try await client.getObject("bucket", "kept").1 == Array(body.prefix(4096)))
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aPutThatDiesBeforeItsCommitLeavesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let armed = try await DaemonProcess(dataDirectory: data, crashAt: "s3.put.after-blobs")
        let armedClient = try await armed.client()
        try await armedClient.createBucket("bucket")
        // The daemon dies before it answers: the put fails with the connection.
        #expect(await awsCode { try await armedClient.putObject("bucket", "k", body) }?.hasPrefix("unexpected") == true)
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)
        let inspector = DataDirectoryInspector(root: data)
        #expect(inspector.blobs(zone: "us-east-1a").count == 2, "two blobs were written before the crash")

        let daemon = try await DaemonProcess(dataDirectory: data, environment: grace)
        let client = try await daemon.client()
        #expect(await awsCode { _ = try await client.getObject("bucket", "k") } == "NoSuchKey")
        try await waitUntil {
            ["us-east-1a", "us-east-1b", "us-east-1c"].allSatisfy { inspector.blobs(zone: $0).isEmpty }
        }
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aPutThatDiesAfterItsCommitReadsBackWholeInEveryZone() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let armed = try await DaemonProcess(dataDirectory: data, crashAt: "s3.put.after-commit")
        let armedClient = try await armed.client()
        try await armedClient.createBucket("bucket")
        _ = await awsCode { try await armedClient.putObject("bucket", "k", body) }
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)
        let inspector = DataDirectoryInspector(root: data)
        #expect(inspector.blobs(zone: "us-east-1c").isEmpty, "the put wrote a majority: zones a and b")

        let daemon = try await DaemonProcess(dataDirectory: data, environment: grace)
        let client = try await daemon.client()
        #expect(try await client.getObject("bucket", "k").1 == body)
        // The collector's repair brings zone c up, and removes nothing in use.
        try await waitUntil { inspector.blobs(zone: "us-east-1c").count == 2 }
        try await Task.sleep(for: .seconds(2))
        for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] { #expect(inspector.blobs(zone: zone).count == 2) }
        #expect(try await client.getObject("bucket", "k").1 == body)
        await client.close()
        #expect(await daemon.terminate() == 0)
    }
}

/// Multipart uploads under crashes: a part that dies before its commit is not listed; a completion that
/// dies after its commit is a whole object with no upload left.
@Suite("S3 multipart uploads under crashes")
struct MultipartCrashTests {
    private let part = TestBytes.pattern(5 << 20, seed: 7)

    @Test func aPartThatDiesBeforeItsCommitIsNotThereAndACompletionAfterItsCommitIs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        var daemon = try await DaemonProcess(dataDirectory: data, crashAt: "s3.upload-part.after-blobs")
        var client = try await daemon.client()
        try await client.createBucket("bucket")
        let upload = try await client.call(
            Methods.createMultipartUpload, CreateMultipartUploadRequest(bucket: "bucket", key: "k")
        ).uploadId
        let request = UploadPartRequest(
            bucket: "bucket", key: "k", uploadId: upload, partNumber: 1, body: PayloadField(length: part.count))
        _ = try? await client.call(Methods.uploadPart, request, payload: PayloadSource(bytes: part))
        #expect(await daemon.waitForExit() == CrashPoint.exitStatus)

        daemon = try await DaemonProcess(dataDirectory: data, crashAt: "s3.complete-multipart.after-commit")
        client = try await daemon.client()
        let parts = try await client.call(
            Methods.listParts, ListPartsRequest(bucket: "bucket", key: "k", uploadId: upload))
        #expect(parts.parts.isEmpty, "the interrupted part was never committed")
        let etag = try await client.call(Methods.uploadPart, request, payload: PayloadSource(bytes: part)).eTag
        _ = try? await client.call(
            Methods.completeMultipartUpload,
            CompleteMultipartUploadRequest(
                bucket: "bucket", key: "k", uploadId: upload,
                multipartUpload: CompletedMultipartUpload(parts: [CompletedPart(partNumber: 1, eTag: etag)])))
        #expect(await daemon.waitForExit() == CrashPoint.exitStatus)

        daemon = try await DaemonProcess(dataDirectory: data)
        client = try await daemon.client()
        #expect(try await client.getObject("bucket", "k").1 == part)
        #expect(
            try await client.call(Methods.listMultipartUploads, ListMultipartUploadsRequest(bucket: "bucket")).uploads
                .isEmpty)
        await client.close()
        #expect(await daemon.terminate() == 0)
    }
}
