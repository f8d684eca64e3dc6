import API
import Crypto
import Foundation
import IaasTesting
import Testing

/// S3 through the real daemon: bodies streamed over the socket into content-addressed blobs in every zone,
/// and S3's rules and errors.
@Suite("S3 buckets and objects")
struct ObjectTests {
    @Test func bucketsFollowS3sRules() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        for bad in [
            "ab", "Upper", "has_underscore", "-leading", "trailing-", "two..dots", "192.168.1.2", "xn--punycode",
            String(repeating: "a", count: 64),
        ] {
            #expect(
                await awsCode { _ = try await client.call(Methods.createBucket, CreateBucketRequest(bucket: bad)) }
                    == "InvalidBucketName", "\(bad)")
        }
        let created = try await client.call(Methods.createBucket, CreateBucketRequest(bucket: "photos"))
        #expect(created.location == "/photos")
        #expect(await awsCode { try await client.createBucket("photos") } == "BucketAlreadyOwnedByYou")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createBucket,
                    CreateBucketRequest(
                        bucket: "elsewhere",
                        createBucketConfiguration: CreateBucketConfiguration(locationConstraint: "mars-1")))
            } == "InvalidLocationConstraint")
        try await client.createBucket("logs.2026")
        #expect(try await client.call(Methods.listBuckets).buckets.map(\.name) == ["logs.2026", "photos"])
        #expect(try await client.call(Methods.headBucket, BucketRequest(bucket: "photos")).bucketRegion == "us-east-1")
        #expect(
            try await client.call(Methods.getBucketLocation, BucketRequest(bucket: "photos")).locationConstraint == nil)

        try await client.putObject("photos", "cat.jpg", Array("meow".utf8))
        #expect(
            await awsCode { _ = try await client.call(Methods.deleteBucket, BucketRequest(bucket: "photos")) }
                == "BucketNotEmpty")
        _ = try await client.call(Methods.deleteObject, ObjectRequest(bucket: "photos", key: "cat.jpg"))
        _ = try await client.call(Methods.deleteBucket, BucketRequest(bucket: "photos"))
        #expect(
            await awsCode { _ = try await client.call(Methods.headBucket, BucketRequest(bucket: "photos")) }
                == "NoSuchBucket")
        #expect(await awsCode { try await client.putObject("photos", "x", [1]) } == "NoSuchBucket")
        await fixture.stop()
    }

    @Test func objectsReadBackByteForByteWholeAndInRanges() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("data")
        // 20 MiB: three blobs (8 + 8 + 4 MiB).
        let big = TestBytes.pattern(20 << 20, seed: .random(in: 0...UInt64.max))
        let put = try await client.putObject(
            "data", "big.bin", big, contentType: "application/x-test", metadata: ["owner": "ada"])
        #expect(put.eTag == "\"" + Insecure.MD5.hash(data: big).map { String(format: "%02x", $0) }.joined() + "\"")
        let (result, bytes) = try await client.getObject("data", "big.bin")
        #expect(bytes == big)
        #expect(result.contentLength == Int64(big.count) && result.eTag == put.eTag)
        #expect(result.contentType == "application/x-test" && result.metadata["owner"] == "ada")

        // Ranges, as S3 reads them.
        let (first, head) = try await client.getObject("data", "big.bin", range: "bytes=0-9")
        #expect(head == Array(big[0..<10]) && first.contentRange == "bytes 0-9/\(big.count)")
        let across = (8 << 20) - 5
        #expect(
            try await client.getObject("data", "big.bin", range: "bytes=\(across)-\(across + 9)").1
                == Array(big[across..<across + 10]))
        #expect(try await client.getObject("data", "big.bin", range: "bytes=-5").1 == Array(big.suffix(5)))
        #expect(
            try await client.getObject("data", "big.bin", range: "bytes=\(big.count - 3)-\(big.count + 100)").1
                == Array(big.suffix(3)))
        #expect(
            await awsCode { _ = try await client.getObject("data", "big.bin", range: "bytes=\(big.count)-") }
                == "InvalidRange")

        // Conditions.
        func get(_ request: GetObjectRequest) async -> String? {
            await awsCode { _ = try await client.callReceivingPayload(Methods.getObject, request) }
        }
        #expect(await get(GetObjectRequest(bucket: "data", key: "big.bin", ifNoneMatch: put.eTag)) == "NotModified")
        #expect(await get(GetObjectRequest(bucket: "data", key: "big.bin", ifMatch: "\"0\"")) == "PreconditionFailed")
        #expect(
            await get(GetObjectRequest(bucket: "data", key: "big.bin", ifModifiedSince: Date().addingTimeInterval(60)))
                == "NotModified")
        #expect(
            await get(
                GetObjectRequest(bucket: "data", key: "big.bin", ifUnmodifiedSince: Date().addingTimeInterval(-3600)))
                == "PreconditionFailed")
        #expect(await get(GetObjectRequest(bucket: "data", key: "big.bin", ifMatch: put.eTag)) == nil)
        let head2 = try await client.call(Methods.headObject, GetObjectRequest(bucket: "data", key: "big.bin"))
        #expect(head2.body == nil && head2.contentLength == Int64(big.count))

        // Every zone holds every blob once the put's stragglers caught up; the same bytes are stored once.
        try await client.putObject("data", "copy.bin", big)
        let inspector = fixture.inspector
        try await waitUntil { inspector.blobs(zone: "us-east-1c").count == 3 }
        for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] { #expect(inspector.blobs(zone: zone).count == 3) }

        // Overwrite, empty object, delete.
        try await client.putObject("data", "big.bin", Array("small now".utf8))
        #expect(try await client.getObject("data", "big.bin").1 == Array("small now".utf8))
        try await client.putObject("data", "empty", [])
        let (emptyResult, empty) = try await client.getObject("data", "empty")
        #expect(empty.isEmpty && emptyResult.eTag == "\"d41d8cd98f00b204e9800998ecf8427e\"")
        _ = try await client.call(Methods.deleteObject, ObjectRequest(bucket: "data", key: "big.bin"))
        #expect(await awsCode { _ = try await client.getObject("data", "big.bin") } == "NoSuchKey")
        _ = try await client.call(Methods.deleteObject, ObjectRequest(bucket: "data", key: "never-was"))
        await fixture.stop()
    }

    @Test func badPutsLeaveNothingVisible() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("data")
        let body = Array("hello".utf8)
        let wrongMD5 = Data(Insecure.MD5.hash(data: Array("other".utf8))).base64EncodedString()
        #expect(await awsCode { try await client.putObject("data", "k", body, contentMD5: wrongMD5) } == "BadDigest")
        #expect(await awsCode { try await client.putObject("data", "k", body, contentMD5: "nope") } == "InvalidDigest")
        let rightMD5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
        try await client.putObject("data", "k", body, contentMD5: rightMD5)
        #expect(
            await awsCode { try await client.putObject("data", String(repeating: "k", count: 1025), body) }
                == "KeyTooLongError")
        #expect(await awsCode { try await client.putObject("data", "", body) } == "InvalidArgument")
        // Keys are data: dots, slashes, unicode and 1,024 bytes are keys like any other.
        for key in ["../../etc/passwd", "ünïcödé/ключ/鍵", String(repeating: "é", count: 512)] {
            try await client.putObject("data", key, Array(key.utf8))
            #expect(try await client.getObject("data", key).1 == Array(key.utf8))
        }
        let listed = try await client.call(Methods.listObjectsV2, ListObjectsV2Request(bucket: "data")).contents
        #expect(
            listed.map(\.key).sorted() == [
                "../../etc/passwd", "k", String(repeating: "é", count: 512), "ünïcödé/ключ/鍵",
            ])

        // A client gone mid-body: no object, no temporary file.
        do {
            // Closed when it goes out of scope.
            let socket = try RawSocket(path: fixture.daemon.socketPath)
            socket.send(
                #"{"jsonrpc":"2.0","id":1,"method":"s3.PutObject","params":{"Bucket":"data","Key":"half","Body":{"$bytes":1048576}}}"#
                    + "\n" + String(repeating: "x", count: 100_000))
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(await awsCode { _ = try await client.getObject("data", "half") } == "NoSuchKey")
        for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] {
            #expect(fixture.inspector.blobTemporaries(zone: zone).isEmpty)
        }
        // The daemon goes on serving.
        #expect(try await client.getObject("data", "k").1 == body)
        await fixture.stop()
    }

    @Test func listingWalksKeysWithPrefixesDelimitersAndPages() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("tree")
        let keys = ["a/1", "a/2", "a/b/3", "b/1", "c", "d"]
        for key in keys { try await client.putObject("tree", key, Array(key.utf8)) }
        func list(_ request: ListObjectsV2Request) async throws -> ListObjectsV2Result {
            try await client.call(Methods.listObjectsV2, request)
        }
        let all = try await list(ListObjectsV2Request(bucket: "tree"))
        #expect(all.contents.map(\.key) == keys && !all.isTruncated && all.keyCount == 6)
        let top = try await list(ListObjectsV2Request(bucket: "tree", delimiter: "/"))
        #expect(top.commonPrefixes.map(\.prefix) == ["a/", "b/"] && top.contents.map(\.key) == ["c", "d"])
        let underA = try await list(ListObjectsV2Request(bucket: "tree", prefix: "a/", delimiter: "/"))
        #expect(underA.contents.map(\.key) == ["a/1", "a/2"] && underA.commonPrefixes.map(\.prefix) == ["a/b/"])
        // One entry a page, common prefixes included, to the end.
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try await list(
                ListObjectsV2Request(bucket: "tree", delimiter: "/", continuationToken: token, maxKeys: 1))
            seen += page.contents.map(\.key) + page.commonPrefixes.map(\.prefix)
            token = page.nextContinuationToken
            #expect(page.keyCount <= 1)
        } while token != nil
        #expect(seen == ["a/", "b/", "c", "d"])
        #expect(
            try await list(ListObjectsV2Request(bucket: "tree", startAfter: "b/1")).contents.map(\.key) == ["c", "d"])
        #expect(
            await awsCode { _ = try await list(ListObjectsV2Request(bucket: "tree", maxKeys: 1001)) }
                == "InvalidArgument")
        #expect(
            await awsCode { _ = try await list(ListObjectsV2Request(bucket: "tree", continuationToken: "%%%")) }
                == "InvalidArgument")
        await fixture.stop()
    }
}

/// Polls `condition` for up to 10 s.
func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw CancellationError() }
        try await Task.sleep(for: .milliseconds(50))
    }
}
