import API
import ArgumentParser
import Foundation
import IaasTesting
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// `iaas-bench snapshots`: a volume holding data (written into both replicas, as a guest's writes land,
/// then dropped from the page cache): the first snapshot, a second after a small change, a restore into
/// another zone, and the bytes the blob store holds.
struct SnapshotsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots", abstract: "Benchmark EBS snapshots and restores.")

    @Option(help: "The volume's size, GiB.")
    var volumeGib = 8

    @Option(help: "MiB of data in the volume, in four extents spread over it.")
    var dataMib = 1024

    @Option(help: "MiB changed between the first and the second snapshot, in 512 KiB blocks spread over the data.")
    var changedMib = 10

    @Option(help: "Where to put the data directory (default: a temporary directory).")
    var directory: String?

    func run() async throws {
        let setup = try await BenchSetup.start("snapshots", directory: directory)
        defer { setup.temporary.remove() }
        let (daemon, client, data) = (setup.daemon, setup.client, setup.data)
        let inspector = DataDirectoryInspector(root: data)
        let volume = try await client.call(
            Methods.createVolume, CreateVolumeRequest(availabilityZone: "us-east-1a", size: volumeGib)
        ).volumeId

        let extent = (dataMib << 20) / 4
        let stride = (Int64(volumeGib) << 30) / 4
        for index in 0..<4 {
            try write(inspector, volume, at: Int64(index) * stride, count: extent, seed: UInt64(index))
        }
        let (first, firstTime) = try await snapshot(volume, client)
        let storedAfterFirst = storedBytes(inspector)
        print(
            String(
                format: "first snapshot, %d GiB volume holding %d MiB: %.2f s (%.0f MB/s), %d MiB stored in zone a",
                volumeGib, dataMib, firstTime.totalSeconds, Double(dataMib << 20) / firstTime.totalSeconds / 1e6,
                storedAfterFirst >> 20))

        let blocks = (changedMib << 20) / VolumeBlocks.blockSize
        for index in 0..<blocks {
            let offset =
                Int64(index % 4) * stride + Int64(index / 4 * 7 % (extent / VolumeBlocks.blockSize))
                * Int64(VolumeBlocks.blockSize)
            try write(inspector, volume, at: offset, count: VolumeBlocks.blockSize, seed: 1000 + UInt64(index))
        }
        let (_, secondTime) = try await snapshot(volume, client)
        print(
            String(
                format: "second snapshot after changing %d MiB: %.3f s, %d MiB more stored", changedMib,
                secondTime.totalSeconds, (storedBytes(inspector) - storedAfterFirst) >> 20))
        _ = first

        let (restored, restoreTime) = try await timed {
            let volume = try await client.call(
                Methods.createVolume, CreateVolumeRequest(availabilityZone: "us-east-1b", snapshotId: first.snapshotId))
            while try await client.volume(volume.volumeId).state == "creating" {
                try await Task.sleep(for: .milliseconds(10))
            }
            return volume.volumeId
        }
        print(
            String(
                format: "restore of the first snapshot into another zone: %.2f s (%.0f MB/s), state %@",
                restoreTime.totalSeconds, Double(dataMib << 20) / restoreTime.totalSeconds / 1e6,
                try await client.volume(restored).state))
        await client.close()
        _ = await daemon.terminate()
    }

    private func snapshot(_ volume: String, _ client: IaasClient) async throws -> (Snapshot, Duration) {
        try await timed {
            let id = try await client.createSnapshot(volume).snapshotId
            while true {
                let snapshot = try await client.snapshot(id)
                if snapshot.state != "pending" {
                    guard snapshot.state == "completed" else { throw ValidationError("snapshot \(id) failed") }
                    return snapshot
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Writes pattern bytes into both replicas, syncs them and drops them from the page cache, so the
    /// snapshot reads from the disk as it would after a guest wrote long ago.
    private func write(
        _ inspector: DataDirectoryInspector, _ volume: String, at offset: Int64, count: Int, seed: UInt64
    )
        throws
    {
        let chunk = 8 << 20
        var done = 0
        while done < count {
            let size = min(chunk, count - done)
            try inspector.writeVolume(
                volume, at: offset + Int64(done), TestBytes.pattern(size, seed: seed &+ UInt64(done)))
            done += size
        }
        for replica in 0..<2 {
            let fd = open(inspector.replica(volume, replica), O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
            close(fd)
        }
    }

    /// Bytes of blob files in zone a.
    private func storedBytes(_ inspector: DataDirectoryInspector) -> Int {
        inspector.blobs(zone: "us-east-1a").reduce(0) { sum, name in
            var info = stat()
            return sum
                + (stat(inspector.blobPath(zone: "us-east-1a", digest: name), &info) == 0 ? Int(info.st_size) : 0)
        }
    }

}
