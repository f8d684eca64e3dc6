import IaasTesting
import SystemPackage
import Testing

@testable import Store

@Suite("VolumeFileStore")
final class VolumeFileStoreTests {
    let temporary: ScratchDirectory
    let store: VolumeFileStore
    let zone = "us-east-1a"
    let volumeId = "vol-0123456789abcdef0"

    init() throws {
        temporary = try ScratchDirectory()
        let dataDirectory = DataDirectory(root: temporary.path)
        try dataDirectory.prepare(zones: [zone, "us-east-1b"])
        store = VolumeFileStore(dataDirectory: dataDirectory)
    }

    private func files(_ id: String? = nil, size: Int64 = GiB) -> VolumeReplicaFiles {
        store.files(volumeId: id ?? volumeId, sizeBytes: size, zone: zone)
    }

    private func segmentPath(replica: Int, id: String? = nil, segment: Int = 0) -> FilePath {
        temporary.path.appending("zones/\(zone)/ebs-\(replica)/\(id ?? volumeId).\(segment).raw")
    }

    @Test("ensure creates both replicas, sparse, under zones/<az>/ebs-0 and ebs-1")
    func ensure() throws {
        let volume = files()
        try store.ensure(volume)
        for replica in 0..<2 {
            let path = segmentPath(replica: replica)
            #expect(volume.segments(replica: replica).map(\.path) == [path])
            let sizes = try #require(try DurableFiles.sizes(of: path))
            #expect(sizes.size == GiB)
            #expect(sizes.allocated == 0)
        }
        #expect(try store.health(volume) == [.ok, .ok])
        #expect(try store.allocatedBytes(volume) == 0)
        try store.ensure(volume)
        #expect(try store.health(volume) == [.ok, .ok])
    }

    @Test("a volume above 16 TiB is made of several segments per replica")
    func multiSegment() throws {
        let volume = files(size: 16385 * GiB)
        try store.ensure(volume)
        for replica in 0..<2 {
            #expect(try DurableFiles.sizes(of: segmentPath(replica: replica, segment: 0))?.size == 8 * TiB)
            #expect(try DurableFiles.sizes(of: segmentPath(replica: replica, segment: 1))?.size == 8 * TiB)
            #expect(try DurableFiles.sizes(of: segmentPath(replica: replica, segment: 2))?.size == GiB)
        }
        #expect(try store.health(volume) == [.ok, .ok])
        #expect(try store.allocatedBytes(volume) == 0)
        try DurableFiles.removeIfPresent(segmentPath(replica: 1, segment: 1))
        #expect(try store.health(volume) == [.ok, .missing])
        try store.repair(volume, replica: 1, from: 0)
        #expect(try store.health(volume) == [.ok, .ok])
        try store.remove(volume)
        #expect(try store.filesOnDisk(zone: zone).isEmpty)
    }

    @Test("a deleted segment makes its replica .missing")
    func missing() throws {
        let volume = files()
        try store.ensure(volume)
        try DurableFiles.removeIfPresent(segmentPath(replica: 1))
        #expect(try store.health(volume) == [.ok, .missing])
        try DurableFiles.removeIfPresent(segmentPath(replica: 0))
        #expect(try store.health(volume) == [.missing, .missing])
    }

    @Test("a truncated or overlong segment makes its replica .wrongSize")
    func wrongSize() throws {
        let volume = files()
        try store.ensure(volume)
        try RawFile.truncate(segmentPath(replica: 0), to: 4096)
        #expect(try store.health(volume) == [.wrongSize(expected: GiB, actual: 4096), .ok])
        try RawFile.truncate(segmentPath(replica: 1), to: 2 * GiB)
        #expect(
            try store.health(volume) == [
                .wrongSize(expected: GiB, actual: 4096), .wrongSize(expected: GiB, actual: 2 * GiB),
            ])
    }

    @Test("repair restores a missing replica with the healthy replica's data")
    func repairMissing() throws {
        let volume = files()
        try store.ensure(volume)
        let head = pattern(count: 64 * 1024, seed: 1)
        let tail = pattern(count: 4096, seed: 2)
        try RawFile.write(head, to: segmentPath(replica: 0), at: 0)
        try RawFile.write(tail, to: segmentPath(replica: 0), at: GiB - 4096)
        try DurableFiles.removeIfPresent(segmentPath(replica: 1))

        try store.repair(volume, replica: 1, from: 0)

        #expect(try store.health(volume) == [.ok, .ok])
        #expect(try RawFile.read(segmentPath(replica: 1), at: 0, count: head.count) == head)
        #expect(try RawFile.read(segmentPath(replica: 1), at: GiB - 4096, count: tail.count) == tail)
        #expect(try RawFile.read(segmentPath(replica: 0), at: 0, count: head.count) == head)
        let allocated = try #require(try DurableFiles.sizes(of: segmentPath(replica: 1))).allocated
        #expect(allocated < 16 * MiB)
        #expect(try store.filesOnDisk(zone: zone).values.joined().allSatisfy { !$0.string.hasSuffix(".tmp") })
    }

    @Test("repair restores a truncated replica to its full size and content")
    func repairTruncated() throws {
        let volume = files()
        try store.ensure(volume)
        let data = pattern(count: 8192, seed: 3)
        try RawFile.write(data, to: segmentPath(replica: 1), at: 512 * MiB)
        try RawFile.truncate(segmentPath(replica: 0), to: 100)
        try store.repair(volume, replica: 0, from: 1)
        #expect(try store.health(volume) == [.ok, .ok])
        #expect(try RawFile.read(segmentPath(replica: 0), at: 512 * MiB, count: data.count) == data)
    }

    @Test("grow enlarges both replicas and keeps their data")
    func grow() throws {
        try store.ensure(files())
        let data = pattern(count: 4096, seed: 4)
        try RawFile.write(data, to: segmentPath(replica: 0), at: 4096)
        try RawFile.write(data, to: segmentPath(replica: 1), at: 4096)
        let grown = files(size: 3 * GiB)
        try store.grow(grown)
        #expect(try store.health(grown) == [.ok, .ok])
        for replica in 0..<2 {
            #expect(try RawFile.read(segmentPath(replica: replica), at: 4096, count: 4096) == data)
        }
    }

    @Test("grow recreates a missing segment")
    func growRecreatesMissing() throws {
        try store.ensure(files())
        try DurableFiles.removeIfPresent(segmentPath(replica: 1))
        let grown = files(size: 2 * GiB)
        try store.grow(grown)
        #expect(try store.health(grown) == [.ok, .ok])
    }

    @Test("removing a volume of known size takes its segments, any past them and their copies, and nothing else")
    func removeKnownSize() throws {
        let other = "vol-00000000000000001"
        try store.ensure(files())
        try store.ensure(files(other))
        // A segment past the volume's size and an interrupted copy, as crashes could leave.
        try RawFile.write([1], to: segmentPath(replica: 1, segment: 1), at: 0, create: true)
        try RawFile.write([1], to: FilePath(segmentPath(replica: 0).string + ".tmp"), at: 0, create: true)
        try store.remove(files())
        #expect(try store.filesOnDisk(zone: zone).keys.sorted() == [other])
        #expect(try store.health(files(other)) == [.ok, .ok])
    }

    @Test("filesOnDisk groups the files of each volume, ignoring other names and zones")
    func filesOnDisk() throws {
        let other = "vol-0fedcba9876543210"
        try store.ensure(files())
        try store.ensure(files(other))
        try store.ensure(store.files(volumeId: "vol-0aaaaaaaaaaaaaaaa", sizeBytes: GiB, zone: "us-east-1b"))
        let stray = temporary.path.appending("zones/\(zone)/ebs-0/README")
        try DurableFiles.ensureSparseFile(at: stray, size: 1)
        let temporaryCopy = FilePath(segmentPath(replica: 0, id: other).string + ".tmp")
        try DurableFiles.ensureSparseFile(at: temporaryCopy, size: 1)

        let owners = try store.filesOnDisk(zone: zone)
        #expect(Set(owners.keys) == [volumeId, other])
        #expect(Set(owners[volumeId] ?? []) == [segmentPath(replica: 0), segmentPath(replica: 1)])
        #expect(
            Set(owners[other] ?? []) == [
                segmentPath(replica: 0, id: other), segmentPath(replica: 1, id: other), temporaryCopy,
            ])
        #expect(try store.filesOnDisk(zone: "us-east-1c").isEmpty)
    }

    @Test("ReplicaHealth descriptions")
    func healthDescription() {
        #expect(ReplicaHealth.ok.description == "ok")
        #expect(ReplicaHealth.missing.description == "missing")
        #expect(ReplicaHealth.wrongSize(expected: 10, actual: 4).description == "size 4 bytes, expected 10")
    }
}
