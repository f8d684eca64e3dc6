import API
import Foundation
import IaasTesting
import Store
import Testing

/// Bucket versioning as S3 has it: every put a version, deletes leave markers, versions read and removed by
/// id, a suspended bucket writing the `null` version, and ListObjectVersions paging through them all.
@Suite("S3 bucket versioning")
struct VersioningTests {
    private static func versions(_ client: IaasClient, _ bucket: String, prefix: String? = nil) async throws
        -> ListObjectVersionsResult
    {
        try await client.call(Methods.listObjectVersions, ListObjectVersionsRequest(bucket: bucket, prefix: prefix))
    }

    private static func setVersioning(_ client: IaasClient, _ bucket: String, _ status: String?) async throws {
        _ = try await client.call(
            Methods.putBucketVersioning,
            PutBucketVersioningRequest(bucket: bucket, versioningConfiguration: VersioningConfiguration(status: status))
        )
    }

    private static func delete(_ client: IaasClient, _ bucket: String, _ key: String, versionId: String? = nil)
        async throws -> DeleteObjectResult
    {
        try await client.call(Methods.deleteObject, ObjectRequest(bucket: bucket, key: key, versionId: versionId))
    }

    @Test func versionsMarkersAndRestores() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("history")

        // Never versioned: no version ids shown, and the object is the `null` version.
        #expect(try await client.call(Methods.getBucketVersioning, BucketRequest(bucket: "history")).status == nil)
        let original = try await client.putObject("history", "doc", Array("original".utf8))
        #expect(original.versionId == nil)
        #expect(try await client.getObject("history", "doc").0.versionId == nil)

        try await Self.setVersioning(client, "history", "Enabled")
        #expect(
            try await client.call(Methods.getBucketVersioning, BucketRequest(bucket: "history")).status == "Enabled")
        let first = try #require(try await client.putObject("history", "doc", Array("first".utf8)).versionId)
        let second = try #require(try await client.putObject("history", "doc", Array("second".utf8)).versionId)
        #expect(first != second && first.count == 32)
        let (current, bytes) = try await client.getObject("history", "doc")
        #expect(bytes == Array("second".utf8) && current.versionId == second)
        #expect(try await client.getObject("history", "doc", versionId: first).1 == Array("first".utf8))
        #expect(try await client.getObject("history", "doc", versionId: "null").1 == Array("original".utf8))
        let head = try await client.call(
            Methods.headObject, GetObjectRequest(bucket: "history", key: "doc", versionId: first))
        #expect(head.contentLength == 5 && head.versionId == first)

        var listed = try await Self.versions(client, "history")
        #expect(listed.versions.map(\.versionId) == [second, first, "null"], "newest first")
        #expect(listed.versions.map(\.isLatest) == [true, false, false])
        #expect(listed.deleteMarkers.isEmpty && !listed.isTruncated)

        // A delete leaves a marker: the key reads as absent, its versions stay.
        let deletion = try await Self.delete(client, "history", "doc")
        let marker = try #require(deletion.versionId)
        #expect(deletion.deleteMarker == true)
        #expect(await awsCode { _ = try await client.getObject("history", "doc") } == "NoSuchKey")
        #expect(
            await awsCode { _ = try await client.getObject("history", "doc", versionId: marker) } == "MethodNotAllowed")
        #expect(try await client.getObject("history", "doc", versionId: second).1 == Array("second".utf8))
        let page = try await client.call(Methods.listObjectsV2, ListObjectsV2Request(bucket: "history"))
        #expect(page.contents.isEmpty)
        listed = try await Self.versions(client, "history")
        #expect(listed.deleteMarkers.map(\.versionId) == [marker] && listed.deleteMarkers[0].isLatest)
        #expect(listed.versions.allSatisfy { !$0.isLatest })

        // Removing the marker brings the object back; removing a version for good goes back one more.
        #expect(try await Self.delete(client, "history", "doc", versionId: marker).deleteMarker == true)
        #expect(try await client.getObject("history", "doc").1 == Array("second".utf8))
        let removed = try await Self.delete(client, "history", "doc", versionId: second)
        #expect(removed.versionId == second && removed.deleteMarker == nil)
        #expect(try await client.getObject("history", "doc").1 == Array("first".utf8))
        #expect(
            await awsCode { _ = try await client.getObject("history", "doc", versionId: second) } == "NoSuchVersion")

        // Restoring a version is copying it onto its own key: a new version with its bytes.
        let restored = try await client.call(
            Methods.copyObject,
            CopyObjectRequest(bucket: "history", key: "doc", copySource: "history/doc?versionId=null"))
        #expect(restored.copySourceVersionId == "null" && restored.versionId != nil)
        #expect(try await client.getObject("history", "doc").1 == Array("original".utf8))
        #expect(try await Self.versions(client, "history").versions.count == 3)

        // Suspended: a put replaces the `null` version, which becomes the latest; the others stay.
        try await Self.setVersioning(client, "history", "Suspended")
        let suspended = try await client.putObject("history", "doc", Array("suspended".utf8))
        #expect(suspended.versionId == "null")
        listed = try await Self.versions(client, "history")
        #expect(listed.versions.count == 3 && listed.versions[0].versionId == "null" && listed.versions[0].isLatest)
        #expect(try await client.getObject("history", "doc", versionId: "null").1 == Array("suspended".utf8))
        let suspendedDelete = try await Self.delete(client, "history", "doc")
        #expect(suspendedDelete.deleteMarker == true && suspendedDelete.versionId == "null")
        #expect(try await Self.versions(client, "history").versions.count == 2, "the null version became the marker")

        // A bucket with versions or markers is not empty; deleting each version empties it.
        #expect(
            await awsCode { _ = try await client.call(Methods.deleteBucket, BucketRequest(bucket: "history")) }
                == "BucketNotEmpty")
        listed = try await Self.versions(client, "history")
        let everything =
            listed.versions.map { DeleteObjectsRequest.ObjectIdentifier(key: $0.key, versionId: $0.versionId) }
            + listed.deleteMarkers.map { DeleteObjectsRequest.ObjectIdentifier(key: $0.key, versionId: $0.versionId) }
        let batch = try await client.call(
            Methods.deleteObjects,
            DeleteObjectsRequest(bucket: "history", delete: .init(objects: everything)))
        #expect(batch.errors.isEmpty && batch.deleted.count == 3)
        #expect(batch.deleted.filter { $0.deleteMarker == true }.map(\.deleteMarkerVersionId) == ["null"])
        _ = try await client.call(Methods.deleteBucket, BucketRequest(bucket: "history"))
        await fixture.stop()
    }

    @Test func listObjectVersionsPagesThroughEveryEntry() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("pages")
        try await Self.setVersioning(client, "pages", "Enabled")
        for key in ["a", "b/1", "b/2", "c"] {
            for round in 0..<3 { try await client.putObject("pages", key, [UInt8(round)]) }
        }
        _ = try await Self.delete(client, "pages", "c")
        let all = try await Self.versions(client, "pages")
        #expect(all.versions.count == 12 && all.deleteMarkers.count == 1)

        for size in [1, 2, 5] {
            var seen: [String] = []
            var keyMarker: String?
            var versionIdMarker: String?
            repeat {
                let page = try await client.call(
                    Methods.listObjectVersions,
                    ListObjectVersionsRequest(
                        bucket: "pages", keyMarker: keyMarker, versionIdMarker: versionIdMarker, maxKeys: size))
                #expect(page.versions.count + page.deleteMarkers.count <= size)
                seen +=
                    (page.versions.map { $0.key + "@" + $0.versionId }
                        + page.deleteMarkers.map { $0.key + "@" + $0.versionId })
                keyMarker = page.nextKeyMarker
                versionIdMarker = page.nextVersionIdMarker
                if !page.isTruncated { break }
            } while true
            let expected = Set(
                all.versions.map { $0.key + "@" + $0.versionId } + all.deleteMarkers.map { $0.key + "@" + $0.versionId }
            )
            #expect(seen.count == expected.count && Set(seen) == expected, "pages of \(size)")
        }

        let grouped = try await client.call(
            Methods.listObjectVersions, ListObjectVersionsRequest(bucket: "pages", delimiter: "/"))
        #expect(grouped.commonPrefixes.map(\.prefix) == ["b/"])
        #expect(Set(grouped.versions.map(\.key)) == ["a", "c"] && grouped.deleteMarkers.map(\.key) == ["c"])
        #expect(
            try await client.call(Methods.listObjectsV2, ListObjectsV2Request(bucket: "pages")).contents.map(\.key)
                == ["a", "b/1", "b/2"])
        await fixture.stop()
    }

    @Test func badVersioningRequestsAreRefused() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("strict")
        try await client.putObject("strict", "k", [1])
        func code(_ body: () async throws -> Void) async -> String? { await awsCode(body) }
        #expect(await code { try await Self.setVersioning(client, "strict", "On") } == "MalformedXML")
        #expect(await code { try await Self.setVersioning(client, "strict", nil) } == "MalformedXML")
        #expect(
            await code {
                _ = try await client.call(
                    Methods.putBucketVersioning,
                    PutBucketVersioningRequest(
                        bucket: "strict",
                        versioningConfiguration: VersioningConfiguration(status: "Enabled", mfaDelete: "Enabled")))
            } == "InvalidRequest")
        #expect(try await client.call(Methods.getBucketVersioning, BucketRequest(bucket: "strict")).status == nil)
        #expect(await code { try await Self.setVersioning(client, "ghost", "Enabled") } == "NoSuchBucket")
        #expect(await code { _ = try await client.getObject("strict", "k", versionId: "../x") } == "InvalidArgument")
        #expect(
            await code { _ = try await client.getObject("strict", "k", versionId: String(repeating: "A", count: 32)) }
                == "NoSuchVersion")
        #expect(
            await code {
                _ = try await client.call(
                    Methods.listObjectVersions, ListObjectVersionsRequest(bucket: "strict", versionIdMarker: "null"))
            } == "InvalidArgument")
        #expect(
            await code { _ = try await Self.delete(client, "strict", "k", versionId: "bad id") } == "InvalidArgument")
        #expect(
            await code {
                _ = try await client.call(
                    Methods.listObjectVersions,
                    ListObjectVersionsRequest(
                        bucket: "strict", keyMarker: "k", versionIdMarker: String(repeating: "B", count: 32)))
            } == "InvalidArgument", "a marker that names no version")
        // A refused request changed nothing.
        #expect(try await client.getObject("strict", "k").1 == [1])
        await fixture.stop()
    }
}
