import API
import Engine
import Foundation
import IaasTesting
import Store
import Testing

/// EBS snapshots through the daemon: blocks in S3's blob store, incremental, restorable in any zone of the
/// region, copied within and across regions; and the errors of each action.
@Suite("EBS snapshots")
struct SnapshotTests {
    static let block = 512 << 10
    /// The collector's grace period, shortened so a test sees its sweep.
    static let grace = ["IAASD_BLOB_GRACE_SECONDS": "1"]

    @Test func aSnapshotStoresOnlyDataBlocksAndRestoresIntoAnotherZone() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let inspector = DataDirectoryInspector(root: fixture.data)
        let volume = try await client.newVolume(zone: "us-east-1a", size: 1)
        let head = TestBytes.pattern(1 << 20)
        let middle = Array(TestBytes.pattern(4096, seed: 7))
        try inspector.writeVolume(volume, at: 0, head)
        try inspector.writeVolume(volume, at: 300 << 20, middle)
        // Allocated, but zeros: not stored.
        try inspector.writeVolume(volume, at: 600 << 20, [UInt8](repeating: 0, count: Self.block))

        let started = try await client.createSnapshot(volume, description: "first")
        #expect(started.state == "pending" && started.volumeId == volume && started.volumeSize == 1)
        let snapshot = try await client.waitForSnapshot(started.snapshotId)
        #expect(snapshot.state == "completed" && snapshot.progress == "100%")
        #expect(snapshot.fullSnapshotSizeInBytes == Int64(3 * Self.block))
        #expect(snapshot.description == "first" && snapshot.completionTime != nil)
        #expect(inspector.blobs(zone: "us-east-1a").count == 3 && inspector.blobs(zone: "us-east-1b").count == 3)

        let restored = try await client.restoreVolume(snapshot.snapshotId, zone: "us-east-1b")
        #expect(restored.size == 1 && restored.snapshotId == snapshot.snapshotId)
        for replica in 0..<2 {
            #expect(
                try inspector.readVolume(
                    restored.volumeId, at: 0, count: head.count, replica: replica, zone: "us-east-1b")
                    == head)
            #expect(
                try inspector.readVolume(
                    restored.volumeId, at: 300 << 20, count: middle.count, replica: replica, zone: "us-east-1b")
                    == middle)
            // Holes stay holes: only the three stored blocks take space.
            let allocated = inspector.allocatedBytes(restored.volumeId, replica: replica, zone: "us-east-1b")
            #expect(allocated >= 0 && allocated <= Int64(3 * Self.block))
        }
        let larger = try await client.restoreVolume(snapshot.snapshotId, zone: "us-east-1c", size: 3)
        #expect(larger.size == 3)
        #expect(try inspector.readVolume(larger.volumeId, at: 0, count: head.count, zone: "us-east-1c") == head)
        await fixture.stop()
    }

    @Test func aSecondSnapshotStoresOnlyChangedBlocksAndADeleteFreesOnlyItsOwn() async throws {
        let fixture = try await DaemonFixture.start(environment: Self.grace)
        let client = fixture.client
        let inspector = DataDirectoryInspector(root: fixture.data)
        let volume = try await client.newVolume(size: 1)
        let original = TestBytes.pattern(8 * Self.block)
        try inspector.writeVolume(volume, at: 0, original)
        let first = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
        #expect(inspector.blobs(zone: "us-east-1a").count == 8)

        // The volume is written after the first snapshot: the first keeps what it had.
        let changed = [UInt8](repeating: 0xAB, count: 10)
        try inspector.writeVolume(volume, at: Int64(3 * Self.block + 100), changed)
        let second = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
        #expect(second.state == "completed" && second.fullSnapshotSizeInBytes == Int64(8 * Self.block))
        #expect(inspector.blobs(zone: "us-east-1a").count == 9, "one changed block is all the second stores")

        var expected = original
        expected.replaceSubrange((3 * Self.block + 100)..<(3 * Self.block + 110), with: changed)
        let old = try await client.restoreVolume(first.snapshotId)
        #expect(try inspector.readVolume(old.volumeId, at: 0, count: original.count) == original)

        _ = try await client.call(Methods.deleteSnapshot, DeleteSnapshotRequest(snapshotId: first.snapshotId))
        // The block only the first held goes; the eight the second holds stay, in every zone.
        try await waitUntil {
            ["us-east-1a", "us-east-1b", "us-east-1c"].allSatisfy { inspector.blobs(zone: $0).count == 8 }
        }
        let new = try await client.restoreVolume(second.snapshotId)
        #expect(try inspector.readVolume(new.volumeId, at: 0, count: expected.count) == expected)
        #expect(await awsCode { _ = try await client.snapshot(first.snapshotId) } == "InvalidSnapshot.NotFound")
        await fixture.stop()
    }

    /// Changed-block tracking: a snapshot reads only the blocks written since the one before it, and reads
    /// everything when the volume's change map cannot be trusted (a writer that did not mark it, or a base
    /// snapshot that is gone); every snapshot restores to the volume's bytes at its call.
    @Test func aSnapshotReadsOnlyWhatChangedWhileTheChangeMapIsTrusted() async throws {
        // The map's block is the snapshots' block (Engine cannot see Store's constant).
        #expect(VolumeChangeMap.blockSize == VolumeBlocks.blockSize)
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let inspector = DataDirectoryInspector(root: fixture.data)
        let volume = try await client.newVolume(size: 1)
        var expected = TestBytes.pattern(8 * Self.block)
        try inspector.writeVolume(volume, at: 0, expected)
        /// A completed snapshot, how many blocks it read and which snapshot it counted changes from.
        func snapshot() async throws -> (id: String, read: Int, since: String) {
            let id = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId).snapshotId
            let line = try #require(
                fixture.daemon.log().split(separator: "\n").first {
                    $0.contains("snapshot blocks stored") && $0.contains("iaas.snapshot.id=\(id)")
                })
            func field(_ name: String) -> String {
                String(line.split(separator: " ").first { $0.hasPrefix(name + "=") }?.dropFirst(name.count + 1) ?? "")
            }
            #expect(
                try await inspector.readVolume(client.restoreVolume(id).volumeId, at: 0, count: expected.count)
                    == expected)
            return (id, Int(field("iaas.blocks-read")) ?? -1, field("iaas.changes-since"))
        }
        let first = try await snapshot()
        #expect(first.read == 8 && first.since == "none")

        // Two blocks written through a marking writer: the second snapshot reads those two.
        let change = [UInt8](repeating: 0xCD, count: Self.block + 20)
        try inspector.writeVolume(volume, at: Int64(2 * Self.block - 10), change)
        expected.replaceSubrange((2 * Self.block - 10)..<(3 * Self.block + 10), with: change)
        let second = try await snapshot()
        #expect(second.read == 3 && second.since == first.id)

        // A writer that does not mark (as QEMU, which untracks the map before it gets the volume).
        let path = VolumeReplicaFiles(
            volumeId: volume, sizeBytes: 1 << 30, zone: DataDirectory(root: .init(fixture.data)).zone("us-east-1a")
        ).changeMap.string
        try #require(VolumeChangeMap.open(at: path)).untrack()
        for replica in 0..<2 {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: inspector.replica(volume, replica)))
            try handle.seek(toOffset: UInt64(6 * Self.block))
            try handle.write(contentsOf: [1, 2, 3])
            try handle.close()
        }
        expected.replaceSubrange((6 * Self.block)..<(6 * Self.block + 3), with: [1, 2, 3])
        let third = try await snapshot()
        #expect(third.read == 8 && third.since == "none")

        // The base deleted: its blocks cannot be shared, so everything is read again.
        _ = try await client.call(Methods.deleteSnapshot, DeleteSnapshotRequest(snapshotId: third.id))
        try inspector.writeVolume(volume, at: 0, [9])
        expected[0] = 9
        let fourth = try await snapshot()
        #expect(fourth.read == 8 && fourth.since == "none")
        let fifth = try await snapshot()
        #expect(fifth.read == 0 && fifth.since == fourth.id)
        await fixture.stop()
    }

    @Test func copiesWithinAndAcrossRegionsRestoreTheSameData() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/regions.json"
        try Data(
            #"{"Regions": [{"RegionName": "eu-west-1", "Zones": [{"ZoneName": "eu-west-1a", "ZoneId": "euw1-az1"}, {"ZoneName": "eu-west-1b", "ZoneId": "euw1-az2"}, {"ZoneName": "eu-west-1c", "ZoneId": "euw1-az3"}]}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: config))
        let fixture = try await DaemonFixture.start(arguments: ["--config", config])
        let client = fixture.client
        let inspector = DataDirectoryInspector(root: fixture.data)
        let volume = try await client.newVolume(size: 1)
        let data = TestBytes.pattern(3 * Self.block)
        try inspector.writeVolume(volume, at: 5 << 20, data)
        let source = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)

        let local = try await client.call(
            Methods.copySnapshot, CopySnapshotRequest(sourceRegion: "us-east-1", sourceSnapshotId: source.snapshotId))
        let localCopy = try await client.waitForSnapshot(local.snapshotId)
        #expect(localCopy.state == "completed" && localCopy.volumeId == "vol-ffffffff")
        #expect(localCopy.description == "[Copied \(source.snapshotId) from us-east-1]")
        #expect(inspector.blobs(zone: "us-east-1a").count == 3, "a copy in the region shares the blocks")

        let remote = try await client.call(
            Methods.copySnapshot,
            CopySnapshotRequest(
                sourceRegion: "us-east-1", sourceSnapshotId: source.snapshotId, destinationRegion: "eu-west-1"))
        #expect(try await client.waitForSnapshot(remote.snapshotId).state == "completed")
        #expect(inspector.blobs(zone: "eu-west-1a").count == 3)
        // Snapshots are regional: the source is not found from eu-west-1, its copy is.
        #expect(
            await awsCode { _ = try await client.restoreVolume(source.snapshotId, zone: "eu-west-1a") }
                == "InvalidSnapshot.NotFound")
        let restored = try await client.restoreVolume(remote.snapshotId, zone: "eu-west-1b")
        #expect(try inspector.readVolume(restored.volumeId, at: 5 << 20, count: data.count, zone: "eu-west-1b") == data)
        let fromLocal = try await client.restoreVolume(localCopy.snapshotId)
        #expect(try inspector.readVolume(fromLocal.volumeId, at: 5 << 20, count: data.count) == data)
        await fixture.stop()
    }

    @Test func describeFiltersTagsAndOwners() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let volume = try await client.newVolume(size: 1)
        let tagged = try await client.call(
            Methods.createSnapshot,
            CreateSnapshotRequest(
                volumeId: volume, description: "nightly",
                tagSpecifications: [TagSpecification(resourceType: "snapshot", tags: [Tag(key: "team", value: "db")])]))
        let plain = try await client.createSnapshot(volume)
        for id in [tagged.snapshotId, plain.snapshotId] { try await client.waitForSnapshot(id) }
        func ids(_ request: DescribeSnapshotsRequest) async throws -> Set<String> {
            Set(try await client.call(Methods.describeSnapshots, request).snapshots.map(\.snapshotId))
        }
        #expect(try await ids(.init(filters: [Filter(name: "tag:team", values: ["db"])])) == [tagged.snapshotId])
        #expect(try await ids(.init(filters: [Filter(name: "description", values: ["night*"])])) == [tagged.snapshotId])
        #expect(try await ids(.init(filters: [Filter(name: "volume-id", values: [volume])])).count == 2)
        #expect(try await ids(.init(filters: [Filter(name: "status", values: ["pending"])])).isEmpty)
        #expect(try await ids(.init(ownerIds: ["self"])).count == 2)
        #expect(try await ids(.init(ownerIds: ["123456789012"])).isEmpty)
        _ = try await client.call(
            Methods.createTags, CreateTagsRequest(resources: [plain.snapshotId], tags: [Tag(key: "team", value: "web")])
        )
        #expect(try await ids(.init(filters: [Filter(name: "tag-key", values: ["team"])])).count == 2)
        let page = try await client.call(Methods.describeSnapshots, DescribeSnapshotsRequest(maxResults: 5))
        #expect(page.snapshots.count == 2 && page.nextToken == nil)
        await fixture.stop()
    }

    @Test func badInputGetsAWSErrors() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let volume = try await client.newVolume(size: 2)
        let snapshot = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
        let missing = "snap-0123456789abcdef0"
        #expect(
            await awsCode { _ = try await client.createSnapshot("vol-0123456789abcdef0") } == "InvalidVolume.NotFound")
        #expect(await awsCode { _ = try await client.createSnapshot("vol-nope") } == "InvalidVolumeID.Malformed")
        #expect(await awsCode { _ = try await client.snapshot(missing) } == "InvalidSnapshot.NotFound")
        #expect(await awsCode { _ = try await client.snapshot("snap-../../x") } == "InvalidSnapshotID.Malformed")
        #expect(
            await awsCode {
                _ = try await client.createSnapshot(volume, description: String(repeating: "d", count: 256))
            } == "InvalidParameterValue")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createSnapshot,
                    CreateSnapshotRequest(
                        volumeId: volume, tagSpecifications: [TagSpecification(resourceType: "volume", tags: [])]))
            } == "InvalidParameterValue")
        #expect(await awsCode { _ = try await client.restoreVolume(missing) } == "InvalidSnapshot.NotFound")
        #expect(
            await awsCode { _ = try await client.restoreVolume(snapshot.snapshotId, size: 1) }
                == "InvalidParameterValue")
        #expect(
            await awsCode { _ = try await client.restoreVolume(snapshot.snapshotId, zone: "us-east-1z") }
                == "InvalidZone.NotFound")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.copySnapshot,
                    CopySnapshotRequest(sourceRegion: "mars-1", sourceSnapshotId: snapshot.snapshotId))
            } == "InvalidParameterValue")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.copySnapshot, CopySnapshotRequest(sourceRegion: "us-east-1", sourceSnapshotId: missing))
            } == "InvalidSnapshot.NotFound")
        _ = try await client.call(Methods.deleteSnapshot, DeleteSnapshotRequest(snapshotId: snapshot.snapshotId))
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.deleteSnapshot, DeleteSnapshotRequest(snapshotId: snapshot.snapshotId))
            } == "InvalidSnapshot.NotFound")
        // The volume was never touched by any of it.
        #expect(try await client.volume(volume).state == "available")
        #expect(try DataDirectoryInspector(root: fixture.data).violations() == [])
        await fixture.stop()
    }
}
