import API
import Crypto
import Foundation
import IaasTesting
import Testing

/// Multipart uploads: parts streamed as blobs, an object made of them on completion with S3's ETag, and
/// S3's rules.
@Suite("S3 multipart uploads")
struct MultipartTests {
    private static func part(_ size: Int, seed: UInt8) -> [UInt8] {
        TestBytes.pattern(size, seed: UInt64(seed))
    }

    private static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    @Test func partsBecomeOneObjectWithS3sETag() async throws {
        let fixture = try await DaemonFixture.start(environment: ["IAASD_BLOB_GRACE_SECONDS": "1"])
        let client = fixture.client
        try await client.createBucket("uploads")
        let upload = try await client.call(
            Methods.createMultipartUpload,
            CreateMultipartUploadRequest(bucket: "uploads", key: "video.mp4", contentType: "video/mp4"))
        func put(_ number: Int, _ bytes: [UInt8]) async throws -> String {
            try await client.call(
                Methods.uploadPart,
                UploadPartRequest(
                    bucket: "uploads", key: "video.mp4", uploadId: upload.uploadId, partNumber: number,
                    body: PayloadField(length: bytes.count)),
                payload: PayloadSource(bytes: bytes)
            ).eTag
        }
        let one = Self.part(5 << 20, seed: 1)
        let first = Self.part(5 << 20, seed: 2)
        let two = Self.part(5 << 20, seed: 3)
        let three = Self.part(1 << 20, seed: 4)
        let e1 = try await put(1, one)
        _ = try await put(2, first)
        let e2 = try await put(2, two)  // replaces the first part 2
        let e3 = try await put(3, three)
        #expect(e1 == "\"" + Self.md5(one).map { String(format: "%02x", $0) }.joined() + "\"")

        let page = try await client.call(
            Methods.listParts,
            ListPartsRequest(bucket: "uploads", key: "video.mp4", uploadId: upload.uploadId, maxParts: 2))
        #expect(page.parts.map(\.partNumber) == [1, 2] && page.isTruncated && page.nextPartNumberMarker == 2)
        #expect(page.parts[1].eTag == e2 && page.parts[1].size == Int64(5 << 20))
        let rest = try await client.call(
            Methods.listParts,
            ListPartsRequest(bucket: "uploads", key: "video.mp4", uploadId: upload.uploadId, partNumberMarker: 2))
        #expect(rest.parts.map(\.partNumber) == [3] && !rest.isTruncated)
        let listed = try await client.call(Methods.listMultipartUploads, ListMultipartUploadsRequest(bucket: "uploads"))
        #expect(listed.uploads.map(\.uploadId) == [upload.uploadId])
        #expect(
            await awsCode { _ = try await client.call(Methods.deleteBucket, BucketRequest(bucket: "uploads")) }
                == "BucketNotEmpty")

        let done = try await client.call(
            Methods.completeMultipartUpload,
            CompleteMultipartUploadRequest(
                bucket: "uploads", key: "video.mp4", uploadId: upload.uploadId,
                multipartUpload: CompletedMultipartUpload(parts: [
                    CompletedPart(partNumber: 1, eTag: e1), CompletedPart(partNumber: 2, eTag: e2),
                    CompletedPart(partNumber: 3, eTag: e3),
                ])))
        let expected = Self.md5(Self.md5(one) + Self.md5(two) + Self.md5(three))
        #expect(done.eTag == "\"" + expected.map { String(format: "%02x", $0) }.joined() + "-3\"")
        let (object, bytes) = try await client.getObject("uploads", "video.mp4")
        #expect(bytes == one + two + three && object.eTag == done.eTag && object.contentType == "video/mp4")
        #expect(
            try await client.call(Methods.listMultipartUploads, ListMultipartUploadsRequest(bucket: "uploads")).uploads
                .isEmpty)
        // The replaced part 2's blob is no one's: the collector takes it, and nothing in use.
        try await waitUntil { fixture.inspector.blobs(zone: "us-east-1a").count == 3 }
        #expect(try await client.getObject("uploads", "video.mp4").1 == one + two + three)
        await fixture.stop()
    }

    @Test func partsCopiedFromObjectsAndVersionsWithTagsGivenAtCreation() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("media")
        _ = try await client.call(
            Methods.putBucketVersioning,
            PutBucketVersioningRequest(
                bucket: "media", versioningConfiguration: VersioningConfiguration(status: "Enabled")))
        // 12 MiB: an 8 MiB blob and a 4 MiB one.
        let old = Self.part(12 << 20, seed: 5)
        let oldVersion = try #require(try await client.putObject("media", "master.mov", old).versionId)
        let new = Self.part(6 << 20, seed: 6)
        try await client.putObject("media", "master.mov", new)
        let blobsBefore = Set(fixture.inspector.blobs(zone: "us-east-1a"))

        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createMultipartUpload,
                    CreateMultipartUploadRequest(bucket: "media", key: "cut.mov", tagging: "aws:x=1"))
            } == "InvalidTag")
        let upload = try await client.call(
            Methods.createMultipartUpload,
            CreateMultipartUploadRequest(bucket: "media", key: "cut.mov", tagging: "project=trailer&stage=rough"))
        func copy(_ number: Int, _ source: String, range: String? = nil) async throws -> UploadPartCopyResult {
            try await client.call(
                Methods.uploadPartCopy,
                UploadPartCopyRequest(
                    bucket: "media", key: "cut.mov", uploadId: upload.uploadId, partNumber: number, copySource: source,
                    copySourceRange: range))
        }
        // Part 1: the old version's first 8 MiB (one whole source blob); part 2: 1 MiB of the current one.
        let p1 = try await copy(1, "media/master.mov?versionId=\(oldVersion)", range: "bytes=0-8388607")
        #expect(p1.copySourceVersionId == oldVersion)
        let hex = Self.md5(Array(old[0..<(8 << 20)])).map { String(format: "%02x", $0) }.joined()
        #expect(p1.copyPartResult.eTag == "\"\(hex)\"")
        let p2 = try await copy(2, "media/master.mov", range: "bytes=1048576-2097151")
        let done = try await client.call(
            Methods.completeMultipartUpload,
            CompleteMultipartUploadRequest(
                bucket: "media", key: "cut.mov", uploadId: upload.uploadId,
                multipartUpload: CompletedMultipartUpload(parts: [
                    CompletedPart(partNumber: 1, eTag: p1.copyPartResult.eTag),
                    CompletedPart(partNumber: 2, eTag: p2.copyPartResult.eTag),
                ])))
        #expect(done.versionId != nil)
        let (cut, bytes) = try await client.getObject("media", "cut.mov")
        let head: [UInt8] = Array(old[0..<(8 << 20)])
        let middle: [UInt8] = Array(new[(1 << 20)..<(2 << 20)])
        #expect(bytes == head + middle)
        #expect(cut.tagCount == 2)
        let tags = try await client.call(Methods.getObjectTagging, ObjectRequest(bucket: "media", key: "cut.mov"))
        #expect(tags.tagSet == [S3Tag(key: "project", value: "trailer"), S3Tag(key: "stage", value: "rough")])
        // The whole-blob part shares the source's blob: only the 1 MiB part is stored anew.
        let added = Set(fixture.inspector.blobs(zone: "us-east-1a")).subtracting(blobsBefore)
        #expect(added.count == 1, "\(added)")

        // A range outside the source, a missing source, a failed condition.
        let again = try await client.call(
            Methods.createMultipartUpload, CreateMultipartUploadRequest(bucket: "media", key: "cut.mov"))
        func code(_ request: UploadPartCopyRequest) async -> String? {
            await awsCode { _ = try await client.call(Methods.uploadPartCopy, request) }
        }
        func request(_ source: String, range: String? = nil, ifMatch: String? = nil) -> UploadPartCopyRequest {
            UploadPartCopyRequest(
                bucket: "media", key: "cut.mov", uploadId: again.uploadId, partNumber: 1, copySource: source,
                copySourceRange: range, copySourceIfMatch: ifMatch)
        }
        #expect(await code(request("media/master.mov", range: "bytes=99999999-")) == "InvalidRange")
        #expect(await code(request("media/nothing")) == "NoSuchKey")
        #expect(await code(request("media/master.mov", ifMatch: "\"0\"")) == "PreconditionFailed")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.uploadPartCopy,
                    UploadPartCopyRequest(
                        bucket: "media", key: "cut.mov", uploadId: "nope", partNumber: 1, copySource: "media/master.mov"
                    ))
            } == "NoSuchUpload")
        let parts = try await client.call(
            Methods.listParts, ListPartsRequest(bucket: "media", key: "cut.mov", uploadId: again.uploadId))
        #expect(parts.parts.isEmpty, "a refused copy leaves no part")
        await fixture.stop()
    }

    @Test func s3sRulesForUploads() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("rules")
        let upload = try await client.call(
            Methods.createMultipartUpload, CreateMultipartUploadRequest(bucket: "rules", key: "k")
        ).uploadId
        func put(_ number: Int, _ bytes: [UInt8], upload: String? = nil, key: String = "k") async throws -> String {
            try await client.call(
                Methods.uploadPart,
                UploadPartRequest(
                    bucket: "rules", key: key, uploadId: upload ?? "", partNumber: number,
                    body: PayloadField(length: bytes.count)),
                payload: PayloadSource(bytes: bytes)
            ).eTag
        }
        let small = try await put(1, Self.part(1 << 20, seed: 1), upload: upload)
        let last = try await put(2, Self.part(1 << 20, seed: 2), upload: upload)
        func complete(_ parts: [CompletedPart], upload id: String? = nil) async -> String? {
            await awsCode {
                _ = try await client.call(
                    Methods.completeMultipartUpload,
                    CompleteMultipartUploadRequest(
                        bucket: "rules", key: "k", uploadId: id ?? upload,
                        multipartUpload: CompletedMultipartUpload(parts: parts)))
            }
        }
        #expect(await complete([]) == "MalformedXML")
        #expect(
            await complete([.init(partNumber: 2, eTag: last), .init(partNumber: 1, eTag: small)]) == "InvalidPartOrder")
        #expect(await complete([.init(partNumber: 1, eTag: "\"0\"")]) == "InvalidPart")
        #expect(await complete([.init(partNumber: 7, eTag: small)]) == "InvalidPart")
        #expect(
            await complete([.init(partNumber: 1, eTag: small), .init(partNumber: 2, eTag: last)]) == "EntityTooSmall")
        #expect(await complete([.init(partNumber: 1, eTag: small)], upload: "nope") == "NoSuchUpload")
        #expect(await awsCode { _ = try await put(0, [1], upload: upload) } == "InvalidArgument")
        #expect(await awsCode { _ = try await put(10_001, [1], upload: upload) } == "InvalidArgument")
        #expect(await awsCode { _ = try await put(1, [1], upload: upload, key: "other") } == "NoSuchUpload")
        // A single part, however small, is a whole upload.
        #expect(await complete([.init(partNumber: 2, eTag: last)]) == nil)
        #expect(try await client.getObject("rules", "k").1 == Self.part(1 << 20, seed: 2))
        #expect(await complete([.init(partNumber: 2, eTag: last)]) == "NoSuchUpload")

        let aborted = try await client.call(
            Methods.createMultipartUpload, CreateMultipartUploadRequest(bucket: "rules", key: "gone")
        ).uploadId
        _ = try await client.call(
            Methods.abortMultipartUpload, UploadRequest(bucket: "rules", key: "gone", uploadId: aborted))
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.listParts, ListPartsRequest(bucket: "rules", key: "gone", uploadId: aborted))
            } == "NoSuchUpload")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.abortMultipartUpload, UploadRequest(bucket: "rules", key: "gone", uploadId: aborted))
            } == "NoSuchUpload")
        await fixture.stop()
    }
}
