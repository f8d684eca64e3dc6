import API
import Foundation
import GRDB
import IaasTesting
import Store
import SystemPackage
import Testing

@testable import Services

@Suite("VolumeService: create")
final class VolumeServiceCreateTests {
    let cloud: CloudFixture

    init() throws {
        cloud = try CloudFixture()
    }

    @Test("a volume is created available, with two sparse replicas of its size")
    func create() async throws {
        let volume = try await cloud.create(size: 8)
        #expect(ResourceID.isWellFormed(volume.volumeId, prefix: "vol"))
        #expect(volume.state == "available")
        #expect(volume.size == 8)
        #expect(volume.availabilityZone == "us-east-1a")
        #expect(volume.volumeType == "gp3")
        #expect(volume.iops == 3000)
        #expect(volume.throughput == 125)
        #expect(!volume.encrypted)
        #expect(volume.attachments.isEmpty)
        #expect(volume.tags == nil)
        for replica in 0..<2 {
            let path = cloud.segment(volume.volumeId, replica: replica)
            #expect(path.string.hasSuffix("zones/us-east-1a/ebs-\(replica)/\(volume.volumeId).0.raw"))
            let sizes = try #require(try DurableFiles.sizes(of: path))
            #expect(sizes.size == 8 * GiB)
            #expect(sizes.allocated == 0)
        }
        let record = try #require(try await cloud.record(volume.volumeId))
        #expect(record.state == .available)
        #expect(record.sizeGiB == 8)
    }

    @Test("each type keeps its attributes; gp2 reports its baseline IOPS")
    func types() async throws {
        let io1 = try await cloud.create(zone: "us-east-1b", size: 100, type: "io1", iops: 5000)
        #expect(io1.volumeType == "io1")
        #expect(io1.iops == 5000)
        #expect(io1.throughput == nil)
        #expect(
            try DurableFiles.sizes(of: cloud.segment(io1.volumeId, replica: 1, zone: "us-east-1b"))?.size == 100 * GiB)
        let gp2 = try await cloud.create(size: 200, type: "gp2")
        #expect(gp2.iops == 600)
        #expect(gp2.throughput == nil)
    }

    @Test("TagSpecifications tag the new volume")
    func createWithTags() async throws {
        let tags = [Tag(key: "Name", value: "web"), Tag(key: "env", value: "prod")]
        let volume = try await cloud.create(tags: tags)
        #expect(volume.tags == tags)
        let described = try await cloud.describe(DescribeVolumesRequest(volumeIds: [volume.volumeId]))
        #expect(described.first?.tags == tags)
    }

    @Test("an unknown zone is InvalidZone.NotFound and leaves nothing behind")
    func unknownZone() async throws {
        let error = await thrownAsync { () async throws(CloudError) in try await self.cloud.create(zone: "us-west-9a") }
        #expect(error?.code == "InvalidZone.NotFound")
        #expect(error?.message.contains("us-west-9a") == true)
        #expect(try await cloud.describe().isEmpty)
    }

    @Test("invalid requests are refused with AWS's codes")
    func invalidRequests() async throws {
        let volumes = cloud.volumes
        func code(_ request: CreateVolumeRequest) async -> String? {
            await thrownAsync { () async throws(CloudError) in try await volumes.createVolume(request) }?.code
        }
        #expect(await code(CreateVolumeRequest(availabilityZone: "us-east-1a")) == "MissingParameter")
        #expect(await code(CreateVolumeRequest(availabilityZone: "us-east-1a", size: 0)) == "InvalidParameterValue")
        #expect(
            await code(CreateVolumeRequest(availabilityZone: "us-east-1a", size: 8, volumeType: "gp9"))
                == "InvalidParameterValue")
        #expect(
            await code(CreateVolumeRequest(availabilityZone: "us-east-1a", size: 8, volumeType: "io1"))
                == "MissingParameter")
        #expect(
            await code(CreateVolumeRequest(availabilityZone: "us-east-1a", size: 8, volumeType: "gp2", iops: 300))
                == "InvalidParameterCombination")
        #expect(
            await code(CreateVolumeRequest(availabilityZone: "us-east-1a", size: 8, encrypted: true))
                == "UnsupportedOperation")
        #expect(
            await code(
                CreateVolumeRequest(availabilityZone: "us-east-1a", size: 8, snapshotId: "snap-0123456789abcdef0"))
                == "InvalidSnapshot.NotFound")
        #expect(
            await code(CreateVolumeRequest(availabilityZone: "us-east-1a", size: 8, clientToken: ""))
                == "InvalidParameterValue")
        #expect(
            await code(
                CreateVolumeRequest(
                    availabilityZone: "us-east-1a", size: 8, clientToken: String(repeating: "t", count: 65)))
                == "InvalidParameterValue")
        #expect(
            await code(
                CreateVolumeRequest(
                    availabilityZone: "us-east-1a", size: 8,
                    tagSpecifications: [TagSpecification(resourceType: "instance", tags: [Tag(key: "a", value: "b")])]))
                == "InvalidParameterValue")
        #expect(
            await code(
                CreateVolumeRequest(
                    availabilityZone: "us-east-1a", size: 8,
                    tagSpecifications: [TagSpecification(resourceType: nil, tags: [Tag(key: "aws:x", value: "b")])]))
                == "InvalidParameterValue")
        #expect(try await cloud.describe().isEmpty)
        #expect(try cloud.files.filesOnDisk(zone: "us-east-1a").isEmpty)
    }

    @Test("a storage-server directory lost while running is made again by the next create")
    func createRemakesALostDirectory() async throws {
        let ebs1 = cloud.dataDirectory.zone("us-east-1b").ebs(replica: 1)
        try FileManager.default.removeItem(atPath: ebs1.string)
        let volume = try await cloud.create(zone: "us-east-1b", size: 1)
        #expect(volume.state == "available")
        #expect(RawFile.exists(cloud.segment(volume.volumeId, replica: 1, zone: "us-east-1b")))
    }

    @Test("when a replica cannot be made the create fails with a server fault and leaves nothing behind")
    func rollBack() async throws {
        // A plain file where the ebs-1 directory should be makes the second replica impossible to create.
        let ebs1 = cloud.dataDirectory.zone("us-east-1c").ebs(replica: 1)
        try FileManager.default.removeItem(atPath: ebs1.string)
        #expect(FileManager.default.createFile(atPath: ebs1.string, contents: Data("not a directory".utf8)))
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.create(zone: "us-east-1c", size: 1, tags: [Tag(key: "k", value: "v")])
        }
        // Not a full disk: an internal fault, whose detail (the path) is in the log only.
        #expect(error?.code == "InternalError")
        #expect(error?.status == 500)
        #expect(error?.message.contains(ebs1.string) == false)
        #expect(try await cloud.database.read { db in try VolumeRecord.fetchCount(db) } == 0)
        #expect(try await cloud.database.read { db in try TagRecord.fetchCount(db) } == 0)
        #expect(try cloud.files.filesOnDisk(zone: "us-east-1c").isEmpty)
    }

    @Test("the same ClientToken returns the same volume and creates nothing more")
    func idempotent() async throws {
        let first = try await cloud.create(size: 8, tags: [Tag(key: "k", value: "v")], token: "token-1")
        let second = try await cloud.create(size: 8, tags: [Tag(key: "k", value: "v")], token: "token-1")
        #expect(second.volumeId == first.volumeId)
        #expect(second.state == "available")
        #expect(second.tags == [Tag(key: "k", value: "v")])
        #expect(try await cloud.describe().map(\.volumeId) == [first.volumeId])
        #expect(try cloud.files.filesOnDisk(zone: "us-east-1a").keys.sorted() == [first.volumeId])
        let other = try await cloud.create(size: 8, token: "token-2")
        #expect(other.volumeId != first.volumeId)
    }

    @Test("the same ClientToken with other parameters is IdempotentParameterMismatch")
    func idempotentMismatch() async throws {
        let first = try await cloud.create(size: 8, token: "token-1")
        let bigger = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.create(size: 9, token: "token-1")
        }
        #expect(bigger?.code == "IdempotentParameterMismatch")
        #expect(bigger?.message.contains(first.volumeId) == true)
        let elsewhere = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.create(zone: "us-east-1b", size: 8, token: "token-1")
        }
        #expect(elsewhere?.code == "IdempotentParameterMismatch")
        let otherType = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.create(size: 8, type: "gp2", token: "token-1")
        }
        #expect(otherType?.code == "IdempotentParameterMismatch")
        #expect(try await cloud.describe().count == 1)
    }
}

@Suite("VolumeService: describe")
final class VolumeServiceDescribeTests {
    let cloud: CloudFixture

    init() throws {
        cloud = try CloudFixture()
    }

    /// Three volumes: A (us-east-1a, gp3, 8 GiB, Name=web env=prod), B (us-east-1b, gp2, 20 GiB, Name=db),
    /// C (us-east-1a, io1, 10 GiB, untagged).
    private func makeThree() async throws -> (a: String, b: String, c: String) {
        let a = try await cloud.create(size: 8, tags: [Tag(key: "Name", value: "web"), Tag(key: "env", value: "prod")])
        let b = try await cloud.create(zone: "us-east-1b", size: 20, type: "gp2", tags: [Tag(key: "Name", value: "db")])
        let c = try await cloud.create(size: 10, type: "io1", iops: 500)
        return (a.volumeId, b.volumeId, c.volumeId)
    }

    private func ids(_ filters: [Filter]) async throws -> Set<String> {
        Set(try await cloud.describe(DescribeVolumesRequest(filters: filters)).map(\.volumeId))
    }

    @Test("filters by availability-zone, status, volume-type, size, tag:KEY and tag-key")
    func filters() async throws {
        let (a, b, c) = try await makeThree()
        #expect(try await ids([]) == [a, b, c])
        #expect(try await ids([Filter(name: "availability-zone", values: ["us-east-1a"])]) == [a, c])
        #expect(try await ids([Filter(name: "availability-zone", values: ["us-east-1?"])]) == [a, b, c])
        #expect(try await ids([Filter(name: "status", values: ["available"])]) == [a, b, c])
        #expect(try await ids([Filter(name: "status", values: ["in-use"])]).isEmpty)
        #expect(try await ids([Filter(name: "volume-type", values: ["gp2"])]) == [b])
        #expect(try await ids([Filter(name: "volume-type", values: ["gp2", "io1"])]) == [b, c])
        #expect(try await ids([Filter(name: "volume-type", values: ["gp*"])]) == [a, b])
        #expect(try await ids([Filter(name: "size", values: ["20"])]) == [b])
        #expect(try await ids([Filter(name: "volume-id", values: [c])]) == [c])
        #expect(try await ids([Filter(name: "tag:Name", values: ["web"])]) == [a])
        #expect(try await ids([Filter(name: "tag:Name", values: ["*"])]) == [a, b])
        #expect(try await ids([Filter(name: "tag:Name", values: ["w*"])]) == [a])
        #expect(try await ids([Filter(name: "tag:env", values: ["prod"])]) == [a])
        #expect(try await ids([Filter(name: "tag:Missing", values: ["*"])]).isEmpty)
        #expect(try await ids([Filter(name: "tag-key", values: ["Name"])]) == [a, b])
        #expect(try await ids([Filter(name: "tag-key", values: ["env"])]) == [a])
        #expect(try await ids([Filter(name: "encrypted", values: ["false"])]) == [a, b, c])
        #expect(
            try await ids([
                Filter(name: "availability-zone", values: ["us-east-1a"]), Filter(name: "volume-type", values: ["io1"]),
            ]) == [c])
    }

    @Test("unknown filters and filters without values are InvalidParameterValue")
    func badFilters() async throws {
        let unknown = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.describe(DescribeVolumesRequest(filters: [Filter(name: "color", values: ["red"])]))
        }
        #expect(unknown?.code == "InvalidParameterValue")
        let empty = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.describe(DescribeVolumesRequest(filters: [Filter(name: "status", values: [])]))
        }
        #expect(empty?.code == "InvalidParameterValue")
    }

    @Test("volumes come back sorted by id; explicit ids select exactly those")
    func byIds() async throws {
        let (a, b, c) = try await makeThree()
        #expect(try await cloud.describe().map(\.volumeId) == [a, b, c].sorted())
        let some = try await cloud.describe(DescribeVolumesRequest(volumeIds: [c, a]))
        #expect(Set(some.map(\.volumeId)) == [a, c])
        let tagged = try #require(some.first { $0.volumeId == a })
        #expect(tagged.tags == [Tag(key: "Name", value: "web"), Tag(key: "env", value: "prod")])
        #expect(try await cloud.describe(DescribeVolumesRequest(volumeIds: [])).count == 3)
    }

    @Test("an unknown id is InvalidVolume.NotFound; a malformed one is InvalidVolumeID.Malformed")
    func unknownAndMalformed() async throws {
        let volume = try await cloud.create()
        let missing = "vol-0123456789abcdef0"
        let notFound = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.describe(DescribeVolumesRequest(volumeIds: [volume.volumeId, missing]))
        }
        #expect(notFound?.code == "InvalidVolume.NotFound")
        #expect(notFound?.message.contains(missing) == true)
        for bad in ["vol-123", "volume-1", "i-0123456789abcdef0", "vol-0123456789ABCDEF0"] {
            let malformed = await thrownAsync { () async throws(CloudError) in
                try await self.cloud.describe(DescribeVolumesRequest(volumeIds: [bad]))
            }
            #expect(malformed?.code == "InvalidVolumeID.Malformed", "\(bad)")
        }
    }

    @Test("MaxResults and NextToken page through every volume exactly once")
    func paging() async throws {
        var created: [String] = []
        for _ in 0..<12 { created.append(try await cloud.create(size: 1).volumeId) }
        var seen: [String] = []
        var pageSizes: [Int] = []
        var token: String?
        repeat {
            let result = try await cloud.volumes.describeVolumes(
                DescribeVolumesRequest(maxResults: 5, nextToken: token))
            seen += result.volumes.map(\.volumeId)
            pageSizes.append(result.volumes.count)
            token = result.nextToken
        } while token != nil && pageSizes.count < 10
        #expect(pageSizes == [5, 5, 2])
        #expect(seen == created.sorted())
    }

    @Test("paging applies after filtering")
    func pagingWithFilter() async throws {
        var inB: [String] = []
        for index in 0..<8 {
            let volume = try await cloud.create(zone: index.isMultiple(of: 2) ? "us-east-1b" : "us-east-1c", size: 1)
            if index.isMultiple(of: 2) { inB.append(volume.volumeId) }
        }
        let filter = [Filter(name: "availability-zone", values: ["us-east-1b"])]
        let first = try await cloud.volumes.describeVolumes(DescribeVolumesRequest(filters: filter, maxResults: 5))
        #expect(first.volumes.count == 4)
        #expect(first.nextToken == nil)
        #expect(first.volumes.map(\.volumeId) == inB.sorted())
    }

    @Test("pages of filters answered in SQL and of the same filters with wildcards are identical")
    func pagingPushedDownAndInSwiftAgree() async throws {
        for index in 0..<23 {
            let request = CreateVolumeRequest(
                availabilityZone: index.isMultiple(of: 3) ? "us-east-1a" : "us-east-1b", size: 1 + index % 4,
                tagSpecifications: [
                    TagSpecification(
                        resourceType: "volume", tags: [Tag(key: "tier", value: index < 15 ? "hot" : "cold")])
                ])
            _ = try await cloud.volumes.createVolume(request)
        }
        func pages(_ filters: [Filter]) async throws -> [[String]] {
            var pages: [[String]] = []
            var token: String?
            repeat {
                let result = try await cloud.volumes.describeVolumes(
                    DescribeVolumesRequest(filters: filters, maxResults: 5, nextToken: token))
                pages.append(result.volumes.map(\.volumeId))
                token = result.nextToken
            } while token != nil && pages.count < 20
            return pages
        }
        let exact = try await pages([
            Filter(name: "availability-zone", values: ["us-east-1b"]), Filter(name: "tag:tier", values: ["hot"]),
        ])
        let wildcard = try await pages([
            Filter(name: "availability-zone", values: ["us-east-1?"]), Filter(name: "tag:tier", values: ["h*"]),
            Filter(name: "availability-zone", values: ["us-east-1b"]),
        ])
        #expect(exact == wildcard)
        #expect(exact.flatMap { $0 }.count == 10)
        #expect(exact.map(\.count) == [5, 5])
        let sizes = try await cloud.volumes.describeVolumes(
            DescribeVolumesRequest(filters: [
                Filter(name: "size", values: ["2", "x"]), Filter(name: "tag-key", values: ["tier"]),
            ]))
        #expect(sizes.volumes.count == 6)
        #expect(sizes.volumes.allSatisfy { $0.size == 2 })
    }

    @Test("MaxResults out of range, MaxResults with ids and a bad token are refused")
    func pagingErrors() async throws {
        let volume = try await cloud.create()
        let volumes = cloud.volumes
        func code(_ request: DescribeVolumesRequest) async -> String? {
            await thrownAsync { () async throws(CloudError) in try await volumes.describeVolumes(request) }?.code
        }
        #expect(await code(DescribeVolumesRequest(maxResults: 4)) == "InvalidParameterValue")
        #expect(await code(DescribeVolumesRequest(maxResults: 501)) == "InvalidParameterValue")
        #expect(
            await code(DescribeVolumesRequest(volumeIds: [volume.volumeId], maxResults: 5))
                == "InvalidParameterCombination")
        #expect(await code(DescribeVolumesRequest(nextToken: "not-a-token")) == "InvalidNextToken")
    }
}

@Suite("VolumeService: modify")
final class VolumeServiceModifyTests {
    let cloud: CloudFixture

    init() throws {
        cloud = try CloudFixture()
    }

    @Test("growing a volume grows both replicas and keeps their data")
    func grow() async throws {
        let volume = try await cloud.create(size: 8)
        let data = pattern(count: 8192, seed: 5)
        for replica in 0..<2 { try RawFile.write(data, to: cloud.segment(volume.volumeId, replica: replica), at: 4096) }

        let result = try await cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: volume.volumeId, size: 16))

        let modification = result.volumeModification
        #expect(modification.volumeId == volume.volumeId)
        #expect(modification.modificationState == "completed")
        #expect(modification.progress == 100)
        #expect(modification.originalSize == 8)
        #expect(modification.targetSize == 16)
        #expect(modification.endTime != nil)
        for replica in 0..<2 {
            let path = cloud.segment(volume.volumeId, replica: replica)
            #expect(try DurableFiles.sizes(of: path)?.size == 16 * GiB)
            #expect(try RawFile.read(path, at: 4096, count: data.count) == data)
        }
        #expect(try await cloud.describe().first?.size == 16)
        let stored = try await cloud.database.read { db in try VolumeModificationRecord.fetchAll(db) }
        #expect(stored.map(\.state) == [.completed])
    }

    @Test("shrinking is refused and changes nothing")
    func shrink() async throws {
        let volume = try await cloud.create(size: 8)
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: volume.volumeId, size: 4))
        }
        #expect(error?.code == "InvalidParameterValue")
        #expect(try DurableFiles.sizes(of: cloud.segment(volume.volumeId, replica: 0))?.size == 8 * GiB)
        #expect(try await cloud.describe().first?.size == 8)
        #expect(try await cloud.database.read { db in try VolumeModificationRecord.fetchCount(db) } == 0)
    }

    @Test("changing the type resets performance to the new type's defaults or requirements")
    func changeType() async throws {
        let volume = try await cloud.create(size: 100, type: "gp2")
        let missing = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: volume.volumeId, volumeType: "io1"))
        }
        #expect(missing?.code == "MissingParameter")
        let result = try await cloud.volumes.modifyVolume(
            ModifyVolumeRequest(volumeId: volume.volumeId, volumeType: "gp3"))
        #expect(result.volumeModification.originalVolumeType == "gp2")
        #expect(result.volumeModification.targetVolumeType == "gp3")
        #expect(result.volumeModification.targetIops == 3000)
        #expect(result.volumeModification.targetThroughput == 125)
        let described = try #require(try await cloud.describe().first)
        #expect(described.volumeType == "gp3")
        #expect(described.iops == 3000)
        #expect(described.size == 100)
    }

    @Test("DescribeVolumesModifications shows the latest modification of each modified volume")
    func describeModifications() async throws {
        let grown = try await cloud.create(size: 1)
        let retyped = try await cloud.create(size: 10)
        let untouched = try await cloud.create(size: 1)
        _ = try await cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: grown.volumeId, size: 2))
        _ = try await cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: grown.volumeId, size: 5))
        _ = try await cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: retyped.volumeId, volumeType: "gp2"))
        let all = try await cloud.volumes.describeVolumesModifications(DescribeVolumesModificationsRequest())
        #expect(all.volumesModifications.map(\.volumeId) == [grown.volumeId, retyped.volumeId].sorted())
        let latest = try #require(all.volumesModifications.first { $0.volumeId == grown.volumeId })
        #expect(latest.originalSize == 2)
        #expect(latest.targetSize == 5)
        #expect(latest.modificationState == "completed")
        #expect(latest.progress == 100)
        let gp2 = try await cloud.volumes.describeVolumesModifications(
            DescribeVolumesModificationsRequest(filters: [Filter(name: "target-volume-type", values: ["gp2"])]))
        #expect(gp2.volumesModifications.map(\.volumeId) == [retyped.volumeId])
        let never = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.describeVolumesModifications(
                DescribeVolumesModificationsRequest(volumeIds: [untouched.volumeId]))
        }
        #expect(never?.code == "InvalidVolumeModification.NotFound")
        let missing = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.describeVolumesModifications(
                DescribeVolumesModificationsRequest(volumeIds: ["vol-00000000000000000"]))
        }
        #expect(missing?.code == "InvalidVolume.NotFound")
        let badFilter = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.describeVolumesModifications(
                DescribeVolumesModificationsRequest(filters: [Filter(name: "colour", values: ["red"])]))
        }
        #expect(badFilter?.code == "InvalidParameterValue")
        // A deleted volume's modifications go with it.
        _ = try await cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: retyped.volumeId))
        let afterDelete = try await cloud.volumes.describeVolumesModifications(DescribeVolumesModificationsRequest())
        #expect(afterDelete.volumesModifications.map(\.volumeId) == [grown.volumeId])
    }

    @Test("a modification that changes nothing, or asks nothing, is refused")
    func noChange() async throws {
        let volume = try await cloud.create(size: 8)
        let same = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: volume.volumeId, size: 8))
        }
        #expect(same?.code == "InvalidParameterValue")
        let empty = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: volume.volumeId))
        }
        #expect(empty?.code == "MissingParameter")
    }

    @Test("modifying an unknown or malformed volume")
    func unknown() async throws {
        let missing = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: "vol-0123456789abcdef0", size: 20))
        }
        #expect(missing?.code == "InvalidVolume.NotFound")
        let malformed = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: "vol-1", size: 20))
        }
        #expect(malformed?.code == "InvalidVolumeID.Malformed")
    }

    @Test("a volume with a modification under way cannot be modified again or deleted")
    func whileModifying() async throws {
        let volume = try await cloud.create(size: 8)
        let record = try #require(try await cloud.record(volume.volumeId))
        try await cloud.database.write { db in
            var modification = VolumeModificationRecord(
                volumeId: record.id, state: .modifying, targetSizeGiB: 9, targetVolumeType: "gp3", targetIops: 3000,
                targetThroughput: 125, targetMultiAttachEnabled: false, original: record, startTime: Date()
            )
            try modification.insert(db)
        }
        let modify = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: volume.volumeId, size: 20))
        }
        #expect(modify?.code == "IncorrectModificationState")
        let delete = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        }
        #expect(delete?.code == "IncorrectState")
        #expect(try await cloud.record(volume.volumeId)?.state == .available)
    }
}

@Suite("VolumeService: delete")
final class VolumeServiceDeleteTests {
    let cloud: CloudFixture

    init() throws {
        cloud = try CloudFixture()
    }

    @Test("delete removes the files, the row and the tags")
    func delete() async throws {
        let volume = try await cloud.create(size: 8, tags: [Tag(key: "Name", value: "x")])
        let keep = try await cloud.create(size: 1)
        let result = try await cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        #expect(result.return)
        for replica in 0..<2 { #expect(!RawFile.exists(cloud.segment(volume.volumeId, replica: replica))) }
        #expect(try await cloud.record(volume.volumeId) == nil)
        let tags = try await cloud.database.read { db in try TagRecord.fetchCount(db) }
        #expect(tags == 0)
        #expect(try await cloud.describe().map(\.volumeId) == [keep.volumeId])
        let described = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.describe(DescribeVolumesRequest(volumeIds: [volume.volumeId]))
        }
        #expect(described?.code == "InvalidVolume.NotFound")
        #expect(
            try cloud.files.health(cloud.files.files(volumeId: keep.volumeId, sizeBytes: GiB, zone: "us-east-1a")) == [
                .ok, .ok,
            ])
    }

    @Test("deleting a deleted volume is InvalidVolume.NotFound")
    func deleteTwice() async throws {
        let volume = try await cloud.create()
        _ = try await cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        }
        #expect(error?.code == "InvalidVolume.NotFound")
    }

    @Test("deleting a malformed id is InvalidVolumeID.Malformed")
    func deleteMalformed() async {
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: "vol-xyz"))
        }
        #expect(error?.code == "InvalidVolumeID.Malformed")
    }

    @Test("deleting an attached volume is VolumeInUse and keeps it")
    func deleteInUse() async throws {
        let volume = try await cloud.create()
        try await cloud.database.write { db in
            try db.execute(sql: "UPDATE volume SET state = 'in-use' WHERE id = ?", arguments: [volume.volumeId])
        }
        let error = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        }
        #expect(error?.code == "VolumeInUse")
        #expect(try await cloud.record(volume.volumeId)?.state == .inUse)
        #expect(RawFile.exists(cloud.segment(volume.volumeId, replica: 0)))
        #expect(try await cloud.describe().first?.state == "in-use")
    }

    @Test("a ClientToken can be used again once its volume is deleted")
    func tokenAfterDelete() async throws {
        let first = try await cloud.create(token: "t")
        _ = try await cloud.volumes.deleteVolume(DeleteVolumeRequest(volumeId: first.volumeId))
        let second = try await cloud.create(token: "t")
        #expect(second.volumeId != first.volumeId)
        #expect(second.state == "available")
    }
}

@Suite("VolumeService: status and repair")
final class VolumeServiceStatusTests {
    let cloud: CloudFixture

    init() throws {
        cloud = try CloudFixture()
    }

    private func status(_ id: String) async throws -> VolumeStatusItem {
        let result = try await cloud.volumes.describeVolumeStatus(
            DescribeVolumeStatusRequest(volumeIds: [id]), repairer: nil)
        return try #require(result.volumeStatuses.first)
    }

    private func detail(_ item: VolumeStatusItem, _ name: String) -> String? {
        item.volumeStatus.details.first { $0.name == name }?.status
    }

    @Test("a volume being grown is never reported impaired, and never repaired against its old size")
    func growingIsNotImpaired() async throws {
        let volume = try await cloud.create(size: 1)
        let cloud = self.cloud
        let id = volume.volumeId
        async let grows: Void = {
            for size in 2...40 {
                _ = try await cloud.volumes.modifyVolume(ModifyVolumeRequest(volumeId: id, size: size))
            }
        }()
        var seen: Set<String> = []
        var repaired = 0
        for _ in 0..<200 {
            let result = try await cloud.volumes.describeVolumeStatus(
                DescribeVolumeStatusRequest(volumeIds: [id]), repairer: nil)
            seen.insert(result.volumeStatuses.first?.volumeStatus.status ?? "")
            repaired += await cloud.repairer.repairPass()
        }
        try await grows
        #expect(seen == ["ok"])
        #expect(repaired == 0)
        #expect(
            try cloud.files.health(cloud.files.files(volumeId: id, sizeBytes: 40 * GiB, zone: "us-east-1a")) == [
                .ok, .ok,
            ])
    }

    @Test("a whole volume is ok")
    func ok() async throws {
        let volume = try await cloud.create()
        let item = try await status(volume.volumeId)
        #expect(item.volumeStatus.status == "ok")
        #expect(item.availabilityZone == "us-east-1a")
        #expect(detail(item, "io-enabled") == "passed")
        #expect(detail(item, "io-performance") == "normal")
        #expect(detail(item, "replica-0") == "ok")
        #expect(detail(item, "replica-1") == "ok")
        #expect(item.events.isEmpty)
    }

    @Test("a removed replica makes the volume impaired until a repair pass rebuilds it with its data")
    func removedReplica() async throws {
        let volume = try await cloud.create(size: 2)
        let data = pattern(count: 64 * 1024, seed: 9)
        try RawFile.write(data, to: cloud.segment(volume.volumeId, replica: 0), at: GiB)
        try DurableFiles.removeIfPresent(cloud.segment(volume.volumeId, replica: 1))

        let impaired = try await status(volume.volumeId)
        #expect(impaired.volumeStatus.status == "impaired")
        #expect(detail(impaired, "io-enabled") == "passed")
        #expect(detail(impaired, "io-performance") == "degraded")
        #expect(detail(impaired, "replica-0") == "ok")
        #expect(detail(impaired, "replica-1") == "missing")
        #expect(impaired.events.map(\.eventType) == ["replica-impaired"])

        #expect(await cloud.repairer.repairPass() == 1)

        #expect(try await status(volume.volumeId).volumeStatus.status == "ok")
        let rebuilt = cloud.segment(volume.volumeId, replica: 1)
        #expect(try DurableFiles.sizes(of: rebuilt)?.size == 2 * GiB)
        #expect(try RawFile.read(rebuilt, at: GiB, count: data.count) == data)
        #expect(await cloud.repairer.repairPass() == 0)
    }

    @Test("a truncated replica is impaired, then repaired")
    func truncatedReplica() async throws {
        let volume = try await cloud.create(size: 1)
        try RawFile.truncate(cloud.segment(volume.volumeId, replica: 0), to: 4096)
        let impaired = try await status(volume.volumeId)
        #expect(impaired.volumeStatus.status == "impaired")
        #expect(detail(impaired, "replica-0")?.contains("4096") == true)
        #expect(await cloud.repairer.repairPass() == 1)
        #expect(try await status(volume.volumeId).volumeStatus.status == "ok")
    }

    @Test("with both replicas gone the volume is impaired with I/O failed, and nothing can be repaired")
    func bothGone() async throws {
        let volume = try await cloud.create(size: 1)
        for replica in 0..<2 { try DurableFiles.removeIfPresent(cloud.segment(volume.volumeId, replica: replica)) }
        let item = try await status(volume.volumeId)
        #expect(item.volumeStatus.status == "impaired")
        #expect(detail(item, "io-enabled") == "failed")
        #expect(item.events.count == 2)
        #expect(await cloud.repairer.repairPass() == 0)
        #expect(try await status(volume.volumeId).volumeStatus.status == "impaired")
    }

    @Test("a volume that is not yet available reports insufficient-data")
    func insufficientData() async throws {
        let id = ResourceID.make("vol")
        try await cloud.database.write { db in
            try VolumeRecord(
                id: id, zone: "us-east-1a", sizeGiB: 1, volumeType: "gp3", iops: 3000, throughput: 125,
                state: .creating,
                createTime: Date(), encrypted: false, multiAttachEnabled: false, snapshotId: nil, clientToken: nil
            ).insert(db)
        }
        let item = try await status(id)
        #expect(item.volumeStatus.status == "insufficient-data")
        #expect(item.volumeStatus.details.isEmpty)
        #expect(await cloud.repairer.repairPass() == 0)
        #expect(!RawFile.exists(cloud.segment(id, replica: 0)))
    }

    @Test("filters, paging and unknown ids")
    func filtersAndPaging() async throws {
        var ids: [String] = []
        for _ in 0..<6 { ids.append(try await cloud.create(size: 1).volumeId) }
        try DurableFiles.removeIfPresent(cloud.segment(ids[2], replica: 0))
        let impaired = try await cloud.volumes.describeVolumeStatus(
            DescribeVolumeStatusRequest(filters: [Filter(name: "volume-status.status", values: ["impaired"])]),
            repairer: nil)
        #expect(impaired.volumeStatuses.map(\.volumeId) == [ids[2]])
        let page = try await cloud.volumes.describeVolumeStatus(
            DescribeVolumeStatusRequest(maxResults: 5), repairer: nil)
        #expect(page.volumeStatuses.count == 5)
        let rest = try await cloud.volumes.describeVolumeStatus(
            DescribeVolumeStatusRequest(maxResults: 5, nextToken: page.nextToken), repairer: nil)
        #expect((page.volumeStatuses + rest.volumeStatuses).map(\.volumeId) == ids.sorted())
        #expect(rest.nextToken == nil)
        let unknown = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.describeVolumeStatus(
                DescribeVolumeStatusRequest(volumeIds: ["vol-0123456789abcdef0"]), repairer: nil)
        }
        #expect(unknown?.code == "InvalidVolume.NotFound")
        let badFilter = await thrownAsync { () async throws(CloudError) in
            try await self.cloud.volumes.describeVolumeStatus(
                DescribeVolumeStatusRequest(filters: [Filter(name: "status", values: ["ok"])]), repairer: nil)
        }
        #expect(badFilter?.code == "InvalidParameterValue")
    }
}
