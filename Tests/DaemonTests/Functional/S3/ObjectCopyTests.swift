import API
import Foundation
import IaasTesting
import Store
import Testing

/// CopyObject and DeleteObjects: a copy in a region shares the source's stored bytes; a copy into another
/// region stores them in that region's zones; many keys go in one call.
@Suite("S3 copies and batch deletes")
struct ObjectCopyTests {
    @Test func aCopySharesTheBytesInItsRegionAndStoresThemInAnother() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/regions.json"
        try Data(
            #"{"Regions":[{"RegionName":"eu-west-1","Zones":[{"ZoneName":"eu-west-1a","ZoneId":"euw1-az1"},{"ZoneName":"eu-west-1b","ZoneId":"euw1-az2"},{"ZoneName":"eu-west-1c","ZoneId":"euw1-az3"}]}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: config))
        let data = directory.path + "/data"
        let daemon = try await DaemonProcess(dataDirectory: data, arguments: ["--config", config])
        let client = try await daemon.client()
        let inspector = DataDirectoryInspector(root: data)
        try await client.createBucket("source")
        _ = try await client.call(
            Methods.createBucket,
            CreateBucketRequest(
                bucket: "europe", createBucketConfiguration: CreateBucketConfiguration(locationConstraint: "eu-west-1"))
        )
        // 10 MiB: two blob files (8 MiB and 2 MiB).
        let body = TestBytes.pattern(10 << 20)
        let put = try await client.putObject("source", "a.bin", body, contentType: "text/x-a", metadata: ["v": "1"])
        try await waitUntil { inspector.blobs(zone: "us-east-1c").count == 2 }

        func copyObject(_ request: CopyObjectRequest) async throws -> CopyObjectResult {
            try await client.call(Methods.copyObject, request)
        }
        let copied = try await copyObject(CopyObjectRequest(bucket: "source", key: "b.bin", copySource: "source/a.bin"))
        #expect(copied.copyObjectResult.eTag == put.eTag)
        let (copy, bytes) = try await client.getObject("source", "b.bin")
        #expect(bytes == body && copy.contentType == "text/x-a" && copy.metadata["v"] == "1")
        #expect(inspector.blobs(zone: "us-east-1a").count == 2, "no byte was copied")
        _ = try await copyObject(
            CopyObjectRequest(
                bucket: "source", key: "b.bin", copySource: "/source/a.bin", metadataDirective: "REPLACE",
                contentType: "text/x-b", metadata: ["v": "2"]))
        let replaced = try await client.call(Methods.headObject, GetObjectRequest(bucket: "source", key: "b.bin"))
        #expect(replaced.contentType == "text/x-b" && replaced.metadata["v"] == "2")

        // Into another region: stored in its zones, and still whole when the source goes.
        _ = try await copyObject(CopyObjectRequest(bucket: "europe", key: "a.bin", copySource: "source/a.bin"))
        try await waitUntil { inspector.blobs(zone: "eu-west-1c").count == 2 }
        _ = try await client.call(Methods.deleteObject, ObjectRequest(bucket: "source", key: "a.bin"))
        #expect(try await client.getObject("europe", "a.bin").1 == body)
        #expect(try await client.getObject("source", "b.bin").1 == body, "the copy keeps the shared blobs")

        func code(_ request: CopyObjectRequest) async -> String? { await awsCode { _ = try await copyObject(request) } }
        #expect(
            await code(CopyObjectRequest(bucket: "source", key: "b.bin", copySource: "source/b.bin"))
                == "InvalidRequest")
        #expect(await code(CopyObjectRequest(bucket: "source", key: "c", copySource: "source/a.bin")) == "NoSuchKey")
        #expect(await code(CopyObjectRequest(bucket: "source", key: "c", copySource: "nokey")) == "InvalidArgument")
        #expect(await code(CopyObjectRequest(bucket: "source", key: "c", copySource: "ghost/x")) == "NoSuchBucket")
        #expect(
            await code(
                CopyObjectRequest(bucket: "source", key: "c", copySource: "source/b.bin", copySourceIfMatch: "\"0\""))
                == "PreconditionFailed")
        #expect(
            await code(
                CopyObjectRequest(
                    bucket: "source", key: "c", copySource: "source/b.bin", copySourceIfNoneMatch: put.eTag))
                == "PreconditionFailed")
        #expect(
            await code(
                CopyObjectRequest(bucket: "source", key: "c", copySource: "source/b.bin", metadataDirective: "MOVE"))
                == "InvalidArgument")

        // A bucket deleted and made again in another region: puts follow it (the daemon caches regions).
        _ = try await client.call(Methods.deleteObject, ObjectRequest(bucket: "europe", key: "a.bin"))
        _ = try await client.call(Methods.deleteBucket, BucketRequest(bucket: "europe"))
        #expect(await awsCode { _ = try await client.putObject("europe", "gone", [1]) } == "NoSuchBucket")
        try await client.createBucket("europe")
        let small = TestBytes.pattern(1000, seed: 7)
        _ = try await client.putObject("europe", "moved", small)
        #expect(try await client.getObject("europe", "moved").1 == small)
        #expect(inspector.packedBlobs(zone: "us-east-1a").contains(BlobDigest(of: small).hex))
        #expect(!inspector.packedBlobs(zone: "eu-west-1a").contains(BlobDigest(of: small).hex))
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func deleteObjectsTakesManyKeysAndReportsTheBadOnes() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("many")
        for key in ["a", "b", "c"] { try await client.putObject("many", key, Array(key.utf8)) }
        let long = String(repeating: "k", count: 1025)
        let result = try await client.call(
            Methods.deleteObjects,
            DeleteObjectsRequest(
                bucket: "many", delete: .init(objects: ["a", "b", "missing", long].map { .init(key: $0) })))
        #expect(result.deleted.map(\.key) == ["a", "b", "missing"])
        #expect(result.errors.map(\.code) == ["KeyTooLongError"])
        #expect(
            try await client.call(Methods.listObjectsV2, ListObjectsV2Request(bucket: "many")).contents.map(\.key) == [
                "c"
            ])
        let quiet = try await client.call(
            Methods.deleteObjects,
            DeleteObjectsRequest(bucket: "many", delete: .init(objects: [.init(key: "c")], quiet: true)))
        #expect(quiet.deleted.isEmpty && quiet.errors.isEmpty)
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.deleteObjects, DeleteObjectsRequest(bucket: "many", delete: .init(objects: [])))
            } == "MalformedXML")
        await fixture.stop()
    }
}
