import API
import ArgumentParser
import Foundation
import IaasTesting
import NIOCore
import NIOPosix
import Store
import SystemPackage

/// `iaas-bench volumes`: create latency (1 GiB and 16 TiB), describe with many volumes, socket throughput
/// with 1 and 8 clients, and restart-to-ready with many volumes.
struct VolumesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volumes", abstract: "Benchmark EBS volumes and the socket.")

    @Option(help: "Creates timed per size.")
    var creates = 200

    @Option(help: "Volumes in the store for the describe and restart figures.")
    var volumes = 10_000

    @Option(help: "Seconds per throughput run.")
    var seconds = 3.0

    @Option(help: "Where to put the data directory (default: a temporary directory).")
    var directory: String?

    func run() async throws {
        let setup = try await BenchSetup.start("volumes", directory: directory)
        defer { setup.temporary.remove() }
        var daemon = setup.daemon
        let (client, data) = (setup.client, setup.data)

        for (label, size) in [("1 GiB", 1), ("16 TiB", 16384)] {
            var latency = Latency()
            var allocated: Int64 = 0
            for _ in 0..<creates {
                let (volume, elapsed) = try await timed {
                    try await client.call(
                        Methods.createVolume, CreateVolumeRequest(availabilityZone: "us-east-1a", size: size))
                }
                latency.record(elapsed)
                allocated += try allocatedBytes(volume, data: data)
            }
            print("create-volume \(label):  \(latency.summary)  allocated after create: \(allocated) bytes in all")
        }

        for clients in [1, 8] {
            let rate = try await statusThroughput(daemon: daemon, clients: clients)
            print("daemon.Status, \(clients) client\(clients == 1 ? "" : "s"): \(Int(rate)) requests/s")
        }

        let existing = try await client.call(Methods.status).volumes
        try await fill(daemon: daemon, to: volumes, from: existing)
        var describe = Latency()
        for _ in 0..<20 {
            let (result, elapsed) = try await timed {
                try await client.call(Methods.describeVolumes, DescribeVolumesRequest())
            }
            precondition(result.volumes.count >= volumes)
            describe.record(elapsed)
        }
        print("describe-volumes, all \(volumes) volumes: \(describe.summary)")
        var filtered = Latency()
        for _ in 0..<20 {
            let request = DescribeVolumesRequest(
                filters: [Filter(name: "availability-zone", values: ["us-east-1c"])], maxResults: 100)
            filtered.record(try await timed { try await client.call(Methods.describeVolumes, request) }.1)
        }
        print("describe-volumes, zone filter, page of 100: \(filtered.summary)")
        // Deletes among many volumes, then as many creates, so the restart below still sees the full count.
        let victims = try await client.call(Methods.describeVolumes, DescribeVolumesRequest(maxResults: 200)).volumes
        var deletes = Latency()
        for volume in victims {
            deletes.record(
                try await timed {
                    try await client.call(Methods.deleteVolume, DeleteVolumeRequest(volumeId: volume.volumeId))
                }.1)
        }
        print("delete-volume among \(volumes) volumes: \(deletes.summary)")
        try await fill(daemon: daemon, to: volumes, from: volumes - victims.count)
        await client.close()

        var restart = Latency()
        for _ in 0..<5 {
            await daemon.terminate()
            let (restarted, elapsed) = try await timed {
                try await DaemonProcess(dataDirectory: data, logLevel: "notice")
            }
            daemon = restarted
            restart.record(elapsed)
        }
        print("restart-to-ready with \(volumes) volumes (spawn to first daemon.Status answered): \(restart.summary)")
        await daemon.terminate()
    }

    private func allocatedBytes(_ volume: Volume, data: String) throws -> Int64 {
        let store = VolumeFileStore(dataDirectory: DataDirectory(root: FilePath(data)))
        return try store.allocatedBytes(
            store.files(volumeId: volume.volumeId, sizeBytes: Int64(volume.size) << 30, zone: volume.availabilityZone))
    }

    private func statusThroughput(daemon: DaemonProcess, clients: Int) async throws -> Double {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    let client = try await daemon.client()
                    var count = 0
                    while ContinuousClock.now < deadline {
                        _ = try await client.call(Methods.status)
                        count += 1
                    }
                    await client.close()
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        return Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Creates volumes with 16 concurrent requests until the store holds `target`.
    private func fill(daemon: DaemonProcess, to target: Int, from existing: Int) async throws {
        let missing = max(0, target - existing)
        let (_, elapsed) = try await timed {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        let client = try await daemon.client()
                        for index in stride(from: worker, to: missing, by: 16) {
                            let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][index % 3]
                            _ = try await client.call(
                                Methods.createVolume, CreateVolumeRequest(availabilityZone: zone, size: 1))
                        }
                        await client.close()
                    }
                }
                try await group.waitForAll()
            }
        }
        print("(filled the store with \(missing) more volumes in \(elapsed), 16 concurrent clients)")
    }
}
