import API
import GRDB
import Store
import Testing

@testable import Services

@Suite("TagService")
final class TagServiceTests {
    let cloud: CloudFixture

    init() throws {
        cloud = try CloudFixture()
    }

    private func describe(_ filters: [Filter]? = nil) async throws(CloudError) -> [TagDescription] {
        try await cloud.tags.describeTags(DescribeTagsRequest(filters: filters)).tags
    }

    private func keysAndValues(_ tags: [TagDescription]) -> [String] {
        tags.map { "\($0.key)=\($0.value)" }
    }

    @Test("create, describe, overwrite and delete tags on a volume")
    func lifecycle() async throws {
        let volume = try await cloud.create()
        let id = volume.volumeId
        let created = try await cloud.tags.createTags(
            CreateTagsRequest(resources: [id], tags: [Tag(key: "Name", value: "web"), Tag(key: "env", value: "prod")]))
        #expect(created.return)
        let described = try await describe()
        #expect(keysAndValues(described) == ["Name=web", "env=prod"])
        #expect(described.allSatisfy { $0.resourceId == id && $0.resourceType == "volume" })
        #expect(
            try await cloud.describe().first?.tags == [Tag(key: "Name", value: "web"), Tag(key: "env", value: "prod")])

        _ = try await cloud.tags.createTags(CreateTagsRequest(resources: [id], tags: [Tag(key: "Name", value: "api")]))
        #expect(keysAndValues(try await describe()) == ["Name=api", "env=prod"])

        _ = try await cloud.tags.deleteTags(DeleteTagsRequest(resources: [id], tags: [.init(key: "env", value: "dev")]))
        #expect(keysAndValues(try await describe()) == ["Name=api", "env=prod"])
        _ = try await cloud.tags.deleteTags(
            DeleteTagsRequest(resources: [id], tags: [.init(key: "env", value: "prod")]))
        #expect(keysAndValues(try await describe()) == ["Name=api"])
        _ = try await cloud.tags.deleteTags(DeleteTagsRequest(resources: [id], tags: [.init(key: "Name")]))
        #expect(try await describe().isEmpty)
        #expect(try await cloud.describe().first?.tags == nil)
    }

    @Test("DeleteTags without tags removes every tag of the resources")
    func deleteAll() async throws {
        let a = try await cloud.create(tags: [Tag(key: "x", value: "1"), Tag(key: "y", value: "2")]).volumeId
        let b = try await cloud.create(tags: [Tag(key: "x", value: "3")]).volumeId
        _ = try await cloud.tags.deleteTags(DeleteTagsRequest(resources: [a]))
        let left = try await describe()
        #expect(left.map(\.resourceId) == [b])
    }

    @Test("tags on several resources at once")
    func severalResources() async throws {
        let a = try await cloud.create().volumeId
        let b = try await cloud.create().volumeId
        _ = try await cloud.tags.createTags(
            CreateTagsRequest(resources: [a, b], tags: [Tag(key: "team", value: "core")]))
        #expect(Set(try await describe([Filter(name: "key", values: ["team"])]).map(\.resourceId)) == [a, b])
    }

    @Test("tags on a volume that does not exist are InvalidVolume.NotFound, and none are applied")
    func missingVolume() async throws {
        let real = try await cloud.create().volumeId
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.tags.createTags(
                CreateTagsRequest(resources: [real, "vol-0123456789abcdef0"], tags: [Tag(key: "k", value: "v")]))
        }
        #expect(error?.code == "InvalidVolume.NotFound")
        #expect(try await describe().isEmpty)
        let deleteError = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.tags.deleteTags(DeleteTagsRequest(resources: ["vol-0123456789abcdef0"]))
        }
        #expect(deleteError?.code == "InvalidVolume.NotFound")
    }

    @Test("a deleted volume can no longer be tagged, and its tags are gone")
    func deletedVolume() async throws {
        let id = try await cloud.create(tags: [Tag(key: "k", value: "v")]).volumeId
        _ = try await cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: id))
        #expect(try await describe().isEmpty)
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.tags.createTags(CreateTagsRequest(resources: [id], tags: [Tag(key: "k", value: "v")]))
        }
        #expect(error?.code == "InvalidVolume.NotFound")
    }

    @Test(
        "ids of unknown prefixes or malformed ids are InvalidID",
        arguments: [
            "foo-0123456789abcdef0", "vol-1", "volume", "",
        ])
    func invalidID(id: String) async {
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.tags.createTags(CreateTagsRequest(resources: [id], tags: [Tag(key: "k", value: "v")]))
        }
        #expect(error?.code == "InvalidID")
    }

    @Test("ids of kinds this cloud has but no such resource: each kind's NotFound")
    func missingOfEachKind() async {
        for (id, code) in [
            ("i-0123456789abcdef0", "InvalidInstanceID.NotFound"), ("sg-0123456789abcdef0", "InvalidGroup.NotFound"),
            ("eipalloc-0123456789abcdef0", "InvalidAllocationID.NotFound"),
            ("sgr-0123456789abcdef0", "InvalidSecurityGroupRuleId.NotFound"),
        ] {
            let error = await thrownAsync { () async throws(CloudError) in
                try await self.cloud.tags.createTags(
                    CreateTagsRequest(resources: [id], tags: [Tag(key: "k", value: "v")]))
            }
            #expect(error?.code == code, "\(id)")
        }
    }

    @Test("no resources is MissingParameter")
    func noResources() async {
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.tags.createTags(CreateTagsRequest(resources: [], tags: [Tag(key: "k", value: "v")]))
        }
        #expect(error?.code == "MissingParameter")
    }

    @Test("invalid tags are refused before anything is written")
    func invalidTags() async throws {
        let id = try await cloud.create().volumeId
        for tags in [[Tag(key: "aws:name", value: "v")], [Tag(key: String(repeating: "k", count: 129), value: "v")]] {
            let error = await thrownAsync { () async throws(CloudError) in
                try await self.cloud.tags.createTags(CreateTagsRequest(resources: [id], tags: tags))
            }
            #expect(error?.code == "InvalidParameterValue")
        }
        #expect(try await describe().isEmpty)
    }

    @Test("the 50-tag cap counts tags across CreateTags calls; overwriting does not add")
    func tagCap() async throws {
        let id = try await cloud.create().volumeId
        let first = (0..<30).map { Tag(key: "a\($0)", value: "v") }
        _ = try await cloud.tags.createTags(CreateTagsRequest(resources: [id], tags: first))
        let tooMany = (0..<21).map { Tag(key: "b\($0)", value: "v") }
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.tags.createTags(CreateTagsRequest(resources: [id], tags: tooMany))
        }
        #expect(error?.code == "TagLimitExceeded")
        #expect(try await describe().count == 30)
        let overlapping =
            (0..<10).map { Tag(key: "a\($0)", value: "w") } + (0..<20).map { Tag(key: "b\($0)", value: "v") }
        _ = try await cloud.tags.createTags(CreateTagsRequest(resources: [id], tags: overlapping))
        #expect(try await describe().count == 50)
        let one = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.tags.createTags(CreateTagsRequest(resources: [id], tags: [Tag(key: "c", value: "v")]))
        }
        #expect(one?.code == "TagLimitExceeded")
    }

    @Test("describe filters by key, value, resource-id and resource-type, with wildcards")
    func filters() async throws {
        let a = try await cloud.create(tags: [Tag(key: "Name", value: "web-1"), Tag(key: "env", value: "prod")])
            .volumeId
        let b = try await cloud.create(tags: [Tag(key: "Name", value: "db-1")]).volumeId
        #expect(try await describe([Filter(name: "key", values: ["Name"])]).count == 2)
        #expect(try await describe([Filter(name: "value", values: ["web-*"])]).map(\.resourceId) == [a])
        #expect(try await describe([Filter(name: "resource-id", values: [b])]).map(\.key) == ["Name"])
        #expect(try await describe([Filter(name: "resource-type", values: ["volume"])]).count == 3)
        #expect(try await describe([Filter(name: "resource-type", values: ["instance"])]).isEmpty)
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.describe([Filter(name: "tag-key", values: ["x"])])
        }
        #expect(error?.code == "InvalidParameterValue")
    }

    @Test("describe pages through every tag exactly once")
    func paging() async throws {
        let a = try await cloud.create().volumeId
        let b = try await cloud.create().volumeId
        _ = try await cloud.tags.createTags(
            CreateTagsRequest(resources: [a], tags: (0..<7).map { Tag(key: "k\($0)", value: "a") }))
        _ = try await cloud.tags.createTags(
            CreateTagsRequest(resources: [b], tags: (0..<6).map { Tag(key: "k\($0)", value: "b") }))
        var seen: [String] = []
        var pages: [Int] = []
        var token: String?
        repeat {
            let result = try await cloud.tags.describeTags(DescribeTagsRequest(maxResults: 5, nextToken: token))
            seen += result.tags.map { "\($0.resourceId)/\($0.key)" }
            pages.append(result.tags.count)
            token = result.nextToken
        } while token != nil && pages.count < 10
        #expect(pages == [5, 5, 3])
        #expect(seen.count == 13)
        #expect(Set(seen).count == 13)
        let bad = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.tags.describeTags(DescribeTagsRequest(maxResults: 1001))
        }
        #expect(bad?.code == "InvalidParameterValue")
    }
}
