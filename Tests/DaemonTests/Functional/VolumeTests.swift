import API
import Foundation
import IaasTesting
import Store
import Testing

@Suite("EBS volumes through the daemon")
struct VolumeTests {
    @Test func aSixteenTebibyteVolumeAllocatesNoDataBlocks() async throws {
        let fixture = try await DaemonFixture.start()
        let volume = try await fixture.client.call(
            Methods.createVolume, CreateVolumeRequest(availabilityZone: "us-east-1b", size: 16384, volumeType: "gp3"))
        #expect(volume.state == "available")
        #expect(volume.size == 16384)
        let files = VolumeFileStore(dataDirectory: DataDirectory(root: .init(fixture.data)))
            .files(volumeId: volume.volumeId, sizeBytes: 16384 << 30, zone: "us-east-1b")
        for replica in 0..<2 {
            let total = try files.segments(replica: replica).reduce(Int64(0)) { sum, segment in
                sum + (try #require(try DurableFiles.sizes(of: segment.path))).size
            }
            #expect(total == 16384 << 30)
            #expect(segmentPathsAreInTheZone(files.segments(replica: replica).map(\.path.string), replica: replica))
        }
        #expect(try VolumeFileStore(dataDirectory: DataDirectory(root: .init(fixture.data))).allocatedBytes(files) == 0)
        await fixture.stop()
    }

    private func segmentPathsAreInTheZone(_ paths: [String], replica: Int) -> Bool {
        paths.allSatisfy { $0.contains("/zones/us-east-1b/ebs-\(replica)/") }
    }

    @Test func describeFiltersAndPages() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        var created: [Volume] = []
        for index in 0..<12 {
            let request = CreateVolumeRequest(
                availabilityZone: index % 2 == 0 ? "us-east-1a" : "us-east-1c", size: 1 + index,
                volumeType: index % 3 == 0 ? "gp2" : "gp3",
                tagSpecifications: [
                    TagSpecification(resourceType: "volume", tags: [Tag(key: "team", value: index < 4 ? "db" : "web")])
                ])
            created.append(try await client.call(Methods.createVolume, request))
        }
        func ids(_ filters: [Filter]) async throws -> Set<String> {
            Set(
                try await client.call(Methods.describeVolumes, DescribeVolumesRequest(filters: filters)).volumes.map(
                    \.volumeId))
        }
        #expect(try await ids([Filter(name: "availability-zone", values: ["us-east-1c"])]).count == 6)
        #expect(try await ids([Filter(name: "volume-type", values: ["gp2"])]).count == 4)
        #expect(try await ids([Filter(name: "tag:team", values: ["db"])]) == Set(created.prefix(4).map(\.volumeId)))
        #expect(
            try await ids([Filter(name: "tag:team", values: ["w*"]), Filter(name: "volume-type", values: ["gp2"])])
                .count == 2)
        #expect(try await ids([Filter(name: "tag-key", values: ["team"])]).count == 12)
        #expect(try await ids([Filter(name: "status", values: ["in-use"])]).isEmpty)

        var pages: [[String]] = []
        var token: String?
        repeat {
            let page = try await client.call(
                Methods.describeVolumes, DescribeVolumesRequest(maxResults: 5, nextToken: token))
            pages.append(page.volumes.map(\.volumeId))
            token = page.nextToken
        } while token != nil
        #expect(pages.map(\.count) == [5, 5, 2])
        #expect(pages.flatMap { $0 } == created.map(\.volumeId).sorted())
        #expect(
            await awsCode {
                _ = try await client.call(Methods.describeVolumes, DescribeVolumesRequest(maxResults: 501))
            }
                == "InvalidParameterValue")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.describeVolumes, DescribeVolumesRequest(volumeIds: ["vol-00000000000000000"]))
            } == "InvalidVolume.NotFound")
        #expect(
            await awsCode {
                _ = try await client.call(Methods.describeVolumes, DescribeVolumesRequest(volumeIds: ["vol-x"]))
            }
                == "InvalidVolumeID.Malformed")
        await fixture.stop()
    }

    @Test func modifyGrowsTheReplicasAndKeepsTheirData() async throws {
        let fixture = try await DaemonFixture.start()
        let volume = try await fixture.client.createVolume(size: 1)
        let files = VolumeFileStore(dataDirectory: DataDirectory(root: .init(fixture.data)))
        let before = files.files(volumeId: volume.volumeId, sizeBytes: 1 << 30, zone: "us-east-1a")
        let marker = Data("written by a guest".utf8)
        for replica in 0..<2 {
            let handle = try FileHandle(
                forWritingTo: URL(fileURLWithPath: before.segments(replica: replica)[0].path.string))
            try handle.seek(toOffset: 4096)
            handle.write(marker)
            try handle.close()
        }
        let result = try await fixture.client.call(
            Methods.modifyVolume, ModifyVolumeRequest(volumeId: volume.volumeId, size: 4, volumeType: "io2", iops: 2000)
        )
        #expect(result.volumeModification.modificationState == "completed")
        #expect(result.volumeModification.originalSize == 1)
        #expect(result.volumeModification.targetSize == 4)
        let after = files.files(volumeId: volume.volumeId, sizeBytes: 4 << 30, zone: "us-east-1a")
        #expect(try files.health(after) == [.ok, .ok])
        for replica in 0..<2 {
            let handle = try FileHandle(
                forReadingFrom: URL(fileURLWithPath: after.segments(replica: replica)[0].path.string))
            try handle.seek(toOffset: 4096)
            #expect(handle.readData(ofLength: marker.count) == marker)
            try handle.close()
        }
        let described = try await fixture.client.call(
            Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [volume.volumeId]))
        #expect(described.volumes.first?.volumeType == "io2")
        #expect(described.volumes.first?.iops == 2000)
        #expect(
            await awsCode {
                _ = try await fixture.client.call(
                    Methods.modifyVolume, ModifyVolumeRequest(volumeId: volume.volumeId, size: 2))
            } == "InvalidParameterValue")
        await fixture.stop()
    }

    @Test func aLostReplicaIsReportedImpairedAndRebuilt() async throws {
        let fixture = try await DaemonFixture.start(arguments: ["--repair-interval", "3600"])
        let volume = try await fixture.client.createVolume(size: 2)
        let files = VolumeFileStore(dataDirectory: DataDirectory(root: .init(fixture.data)))
            .files(volumeId: volume.volumeId, sizeBytes: 2 << 30, zone: "us-east-1a")
        let healthy = files.segments(replica: 0)[0].path.string
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: healthy))
        try handle.seek(toOffset: 1 << 30)
        handle.write(Data(repeating: 0xAB, count: 65536))
        try handle.close()
        try FileManager.default.removeItem(atPath: files.segments(replica: 1)[0].path.string)

        let request = DescribeVolumeStatusRequest(volumeIds: [volume.volumeId])
        let impaired = try await fixture.client.call(Methods.describeVolumeStatus, request)
        #expect(impaired.volumeStatuses.first?.volumeStatus.status == "impaired")
        #expect(
            impaired.volumeStatuses.first?.volumeStatus.details.contains(
                VolumeStatusDetail(name: "replica-1", status: "missing")) == true)
        // DescribeVolumeStatus woke the repairer; it rebuilds from replica 0, data and holes alike.
        var status = ""
        for _ in 0..<500 where status != "ok" {
            try await Task.sleep(for: .milliseconds(10))
            status =
                try await fixture.client.call(Methods.describeVolumeStatus, request).volumeStatuses.first?.volumeStatus
                .status ?? ""
        }
        #expect(status == "ok")
        let rebuilt = try FileHandle(forReadingFrom: URL(fileURLWithPath: files.segments(replica: 1)[0].path.string))
        try rebuilt.seek(toOffset: 1 << 30)
        #expect(rebuilt.readData(ofLength: 65536) == Data(repeating: 0xAB, count: 65536))
        try rebuilt.close()
        let allocated = try #require(try DurableFiles.sizes(of: files.segments(replica: 1)[0].path)).allocated
        #expect(allocated < 1 << 20, "the rebuilt replica stays sparse")
        #expect(fixture.daemon.log().contains("replica rebuilt"))
        await fixture.stop()
    }

    @Test func aLostStorageServerDirectoryIsRebuiltForEveryVolume() async throws {
        let fixture = try await DaemonFixture.start(arguments: ["--repair-interval", "3600"])
        let volumes = [try await fixture.client.createVolume(size: 1), try await fixture.client.createVolume(size: 3)]
        // The disk behind us-east-1a's second storage server is gone, directory and all.
        try FileManager.default.removeItem(atPath: fixture.data + "/zones/us-east-1a/ebs-1")
        let request = DescribeVolumeStatusRequest(volumeIds: volumes.map(\.volumeId))
        let impaired = try await fixture.client.call(Methods.describeVolumeStatus, request)
        #expect(impaired.volumeStatuses.map(\.volumeStatus.status) == ["impaired", "impaired"])
        var statuses: [String] = []
        for _ in 0..<500 where statuses != ["ok", "ok"] {
            try await Task.sleep(for: .milliseconds(10))
            statuses = try await fixture.client.call(Methods.describeVolumeStatus, request).volumeStatuses.map(
                \.volumeStatus.status)
        }
        #expect(statuses == ["ok", "ok"])
        #expect(try fixture.inspector.violations() == [])
        await fixture.stop()
    }

    @Test func tagsOnVolumes() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let volume = try await client.createVolume()
        _ = try await client.call(
            Methods.createTags,
            CreateTagsRequest(
                resources: [volume.volumeId], tags: [Tag(key: "Name", value: "db"), Tag(key: "env", value: "prod")]))
        let described = try await client.call(
            Methods.describeTags, DescribeTagsRequest(filters: [Filter(name: "resource-id", values: [volume.volumeId])])
        )
        #expect(described.tags.map(\.key) == ["Name", "env"])
        #expect(described.tags.allSatisfy { $0.resourceType == "volume" })
        _ = try await client.call(
            Methods.deleteTags,
            DeleteTagsRequest(
                resources: [volume.volumeId], tags: [.init(key: "env", value: "staging"), .init(key: "Name")]))
        let left = try await client.call(Methods.describeTags, DescribeTagsRequest())
        #expect(left.tags.map(\.key) == ["env"], "a value that does not match keeps the tag")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createTags,
                    CreateTagsRequest(resources: ["vol-00000000000000000"], tags: [Tag(key: "a", value: "b")]))
            } == "InvalidVolume.NotFound")
        _ = try await client.call(Methods.deleteVolume, DeleteVolumeRequest(volumeId: volume.volumeId))
        #expect(
            try await client.call(Methods.describeTags, DescribeTagsRequest()).tags.isEmpty, "tags go with their volume"
        )
        #expect(
            await awsCode {
                _ = try await client.call(Methods.deleteVolume, DeleteVolumeRequest(volumeId: volume.volumeId))
            }
                == "InvalidVolume.NotFound")
        await fixture.stop()
    }

    @Test func regionsAndZones() async throws {
        let fixture = try await DaemonFixture.start()
        let regions = try await fixture.client.call(Methods.describeRegions, DescribeRegionsRequest())
        #expect(regions.regions.map(\.regionName) == ["us-east-1"])
        let zones = try await fixture.client.call(
            Methods.describeAvailabilityZones,
            DescribeAvailabilityZonesRequest(filters: [Filter(name: "zone-name", values: ["us-east-1[ab]", "*b"])]))
        #expect(zones.availabilityZones.map(\.zoneName) == ["us-east-1b"])
        #expect(
            await awsCode {
                _ = try await fixture.client.call(
                    Methods.describeAvailabilityZones, DescribeAvailabilityZonesRequest(zoneNames: ["mars-1a"]))
            } == "InvalidZone.NotFound")
        await fixture.stop()
    }

    @Test func aConfigFileAddsRegionsWithTheirOwnZoneDirectories() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/regions.json"
        try Data(
            #"{"Regions":[{"RegionName":"eu-west-1","Zones":[{"ZoneName":"eu-west-1a","ZoneId":"euw1-az1"}]}]}"#.utf8
        )
        .write(to: URL(fileURLWithPath: config))
        let daemon = try await DaemonProcess(dataDirectory: directory.path + "/data", arguments: ["--config", config])
        let client = try await daemon.client()
        let regions = try await client.call(Methods.describeRegions, DescribeRegionsRequest())
        #expect(regions.regions.map(\.regionName) == ["us-east-1", "eu-west-1"])
        let volume = try await client.createVolume(zone: "eu-west-1a")
        #expect(
            FileManager.default.fileExists(
                atPath: directory.path + "/data/zones/eu-west-1a/ebs-1/\(volume.volumeId).0.raw"))
        await client.close()
        await daemon.terminate()
    }
}
