import API
import Foundation
import IaasTesting
import Testing

/// Object tags: set at put (`Tagging`), replaced, read, deleted; kept or replaced by a copy; gone with
/// the object; and S3's rules.
@Suite("S3 object tagging")
struct ObjectTaggingTests {
    @Test func tagsFollowTheObjectThroughPutsCopiesAndDeletes() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("tags")
        func tags(_ key: String) async throws -> [S3Tag] {
            try await client.call(Methods.getObjectTagging, ObjectRequest(bucket: "tags", key: key)).tagSet
        }
        _ = try await client.putObject("tags", "a", [1, 2, 3], tagging: "project=blue&note=two%20words&empty=")
        #expect(
            try await tags("a") == [
                S3Tag(key: "empty", value: ""), S3Tag(key: "note", value: "two words"),
                S3Tag(key: "project", value: "blue"),
            ])

        _ = try await client.call(
            Methods.putObjectTagging,
            PutObjectTaggingRequest(
                bucket: "tags", key: "a", tagging: Tagging(tagSet: [S3Tag(key: "stage", value: "prod:eu/1")])))
        #expect(try await tags("a") == [S3Tag(key: "stage", value: "prod:eu/1")])

        // A copy keeps the source's tags by default, or takes new ones.
        _ = try await client.call(
            Methods.copyObject, CopyObjectRequest(bucket: "tags", key: "kept", copySource: "tags/a"))
        #expect(try await tags("kept") == [S3Tag(key: "stage", value: "prod:eu/1")])
        _ = try await client.call(
            Methods.copyObject,
            CopyObjectRequest(
                bucket: "tags", key: "replaced", copySource: "tags/a", taggingDirective: "REPLACE", tagging: "x=1"))
        #expect(try await tags("replaced") == [S3Tag(key: "x", value: "1")])
        // Onto itself, replacing the metadata and keeping the tags.
        _ = try await client.call(
            Methods.copyObject,
            CopyObjectRequest(bucket: "tags", key: "a", copySource: "tags/a", metadataDirective: "REPLACE"))
        #expect(try await tags("a") == [S3Tag(key: "stage", value: "prod:eu/1")])

        // A new put of the key has only its own tags; delete of the tagging leaves the bytes.
        _ = try await client.putObject("tags", "kept", [9])
        #expect(try await tags("kept").isEmpty)
        _ = try await client.call(Methods.deleteObjectTagging, ObjectRequest(bucket: "tags", key: "a"))
        #expect(try await tags("a").isEmpty)
        #expect(try await client.getObject("tags", "a").1 == [1, 2, 3])

        // Tags go with their object.
        _ = try await client.call(Methods.deleteObject, ObjectRequest(bucket: "tags", key: "replaced"))
        #expect(await awsCode { _ = try await tags("replaced") } == "NoSuchKey")
        _ = try await client.putObject("tags", "replaced", [7])
        #expect(try await tags("replaced").isEmpty)
        await fixture.stop()
    }

    @Test func badTagsGetS3sErrorsAndChangeNothing() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("rules")
        _ = try await client.putObject("rules", "k", [1], tagging: "keep=me")
        func put(_ tags: [S3Tag], key: String = "k", bucket: String = "rules") async -> String? {
            await awsCode {
                _ = try await client.call(
                    Methods.putObjectTagging,
                    PutObjectTaggingRequest(bucket: bucket, key: key, tagging: Tagging(tagSet: tags)))
            }
        }
        #expect(await put((0..<11).map { S3Tag(key: "k\($0)", value: "v") }) == "BadRequest")
        #expect(await put([S3Tag(key: "", value: "v")]) == "InvalidTag")
        #expect(await put([S3Tag(key: String(repeating: "k", count: 129), value: "v")]) == "InvalidTag")
        #expect(await put([S3Tag(key: "k", value: String(repeating: "v", count: 257))]) == "InvalidTag")
        #expect(await put([S3Tag(key: "semi;colon", value: "v")]) == "InvalidTag")
        #expect(await put([S3Tag(key: "aws:reserved", value: "v")]) == "InvalidTag")
        #expect(await put([S3Tag(key: "d", value: "1"), S3Tag(key: "d", value: "2")]) == "InvalidTag")
        #expect(await put([S3Tag(key: "ok", value: "v")], key: "missing") == "NoSuchKey")
        #expect(await put([S3Tag(key: "ok", value: "v")], bucket: "no-such-bucket") == "NoSuchBucket")
        #expect(
            await awsCode { _ = try await client.putObject("rules", "other", [1], tagging: "bad=%ZZ") }
                == "InvalidArgument")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.copyObject,
                    CopyObjectRequest(bucket: "rules", key: "c", copySource: "rules/k", taggingDirective: "MERGE"))
            } == "InvalidArgument")
        // Nothing of it landed.
        let tags = try await client.call(Methods.getObjectTagging, ObjectRequest(bucket: "rules", key: "k")).tagSet
        #expect(tags == [S3Tag(key: "keep", value: "me")])
        #expect(await awsCode { _ = try await client.getObject("rules", "other") } == "NoSuchKey")
        await fixture.stop()
    }
}
