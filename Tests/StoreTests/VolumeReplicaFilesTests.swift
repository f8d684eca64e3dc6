import IaasTesting
import SystemPackage
import Testing

@testable import Store

@Suite("VolumeReplicaFiles")
struct VolumeReplicaFilesTests {
    private let segment = VolumeReplicaFiles.segmentBytes

    @Test("the segment is 8 TiB, under ext4's 16 TiB - 4 KiB file size limit")
    func segmentSize() {
        #expect(segment == 8 * TiB)
        #expect(VolumeReplicaFiles.replicaCount == 2)
    }

    @Test("1 GiB is one segment")
    func oneGiB() {
        #expect(VolumeReplicaFiles.segmentSizes(forVolumeBytes: GiB) == [GiB])
    }

    @Test("exactly one segment's worth is one segment")
    func exactlyOneSegment() {
        #expect(VolumeReplicaFiles.segmentSizes(forVolumeBytes: segment) == [segment])
    }

    @Test("16 TiB (16384 GiB) is two segments of 8 TiB")
    func sixteenTiB() {
        #expect(VolumeReplicaFiles.segmentSizes(forVolumeBytes: 16384 * GiB) == [8 * TiB, 8 * TiB])
    }

    @Test("64 TiB is eight segments of 8 TiB")
    func sixtyFourTiB() {
        let sizes = VolumeReplicaFiles.segmentSizes(forVolumeBytes: 64 * TiB)
        #expect(sizes == Array(repeating: 8 * TiB, count: 8))
    }

    @Test("a size that is not a multiple of the segment ends with a shorter segment")
    func remainder() {
        #expect(VolumeReplicaFiles.segmentSizes(forVolumeBytes: 16385 * GiB) == [8 * TiB, 8 * TiB, GiB])
        #expect(VolumeReplicaFiles.segmentSizes(forVolumeBytes: segment + 1) == [segment, 1])
        let sizes = VolumeReplicaFiles.segmentSizes(forVolumeBytes: 20 * TiB + 4096)
        #expect(sizes == [8 * TiB, 8 * TiB, 4 * TiB + 4096])
        #expect(sizes.reduce(0, +) == 20 * TiB + 4096)
    }

    @Test("a size of zero has no segments")
    func zero() {
        #expect(VolumeReplicaFiles.segmentSizes(forVolumeBytes: 0).isEmpty)
    }

    @Test("segment files are <vol>.<n>.raw in each replica's ebs-N directory")
    func paths() {
        let zone = DataDirectory(root: "/data").zone("us-east-1a")
        let files = VolumeReplicaFiles(volumeId: "vol-0123456789abcdef0", sizeBytes: 16385 * GiB, zone: zone)
        let replica0 = files.segments(replica: 0)
        #expect(
            replica0.map(\.path.string) == [
                "/data/zones/us-east-1a/ebs-0/vol-0123456789abcdef0.0.raw",
                "/data/zones/us-east-1a/ebs-0/vol-0123456789abcdef0.1.raw",
                "/data/zones/us-east-1a/ebs-0/vol-0123456789abcdef0.2.raw",
            ])
        #expect(replica0.map(\.size) == [8 * TiB, 8 * TiB, GiB])
        #expect(
            files.segments(replica: 1).map(\.path.string) == [
                "/data/zones/us-east-1a/ebs-1/vol-0123456789abcdef0.0.raw",
                "/data/zones/us-east-1a/ebs-1/vol-0123456789abcdef0.1.raw",
                "/data/zones/us-east-1a/ebs-1/vol-0123456789abcdef0.2.raw",
            ])
    }

    @Test("owner(ofFileNamed:) finds the volume of segment and temporary files")
    func owner() throws {
        let segment = try #require(VolumeReplicaFiles.owner(ofFileNamed: "vol-0123456789abcdef0.0.raw"))
        #expect(segment.volumeId == "vol-0123456789abcdef0")
        #expect(!segment.isTemporary)
        let later = try #require(VolumeReplicaFiles.owner(ofFileNamed: "vol-0123456789abcdef0.7.raw"))
        #expect(later.volumeId == "vol-0123456789abcdef0")
        let temporary = try #require(VolumeReplicaFiles.owner(ofFileNamed: "vol-0123456789abcdef0.1.raw.tmp"))
        #expect(temporary.volumeId == "vol-0123456789abcdef0")
        #expect(temporary.isTemporary)
    }

    @Test(
        "names that are not a volume's have no owner",
        arguments: [
            "README", "lost+found", "notes.txt", "vol-0123456789abcdef0", "volume.raw", ".vol-1.0.raw", "",
        ])
    func notAnOwner(name: String) {
        #expect(VolumeReplicaFiles.owner(ofFileNamed: name) == nil)
    }
}
