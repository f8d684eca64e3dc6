import API
import ArgumentParser
import Foundation
import IaasTesting
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// `iaas-bench s3`: small-object puts and gets per second (1 and 8 clients), large puts and gets in MB/s
/// beside the disk's own sequential speed measured in the same run, the daemon's memory during a 1 GiB
/// put, and ListObjectsV2 over many keys.
struct S3Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "s3", abstract: "Benchmark S3 objects.")

    @Option(help: "Seconds per small-object run.")
    var seconds = 5.0

    @Option(help: "Keys in the bucket for the listing figure.")
    var keys = 100_000

    @Option(help: "Where to put the data directory (default: a temporary directory).")
    var directory: String?

    func run() async throws {
        let setup = try await BenchSetup.start("s3", directory: directory)
        defer { setup.temporary.remove() }
        let (daemon, client, root) = (setup.daemon, setup.client, setup.root)
        try await client.createBucket("bench")

        let small = [UInt8](repeating: 0x5A, count: 4096)
        for clients in [1, 8] {
            let puts = try await rate(daemon: daemon, clients: clients) { client, worker, index in
                // Distinct bytes per put: nothing is deduplicated.
                var body = small
                withUnsafeBytes(of: (worker, index)) { body.replaceSubrange(0..<$0.count, with: $0) }
                try await client.putObject("bench", "small/\(worker)/\(index)", body)
            }
            print(
                "PutObject 4 KiB, \(clients) client\(clients == 1 ? "" : "s"): \(Int(puts)) puts/s (durable: 2 zones fsynced)"
            )
        }
        for index in 0..<100 { try await client.putObject("bench", "get/\(index)", small) }
        for clients in [1, 8] {
            let gets = try await rate(daemon: daemon, clients: clients) { client, worker, index in
                _ = try await client.getObject("bench", "get/\((worker + index) % 100)")
            }
            print("GetObject 4 KiB, \(clients) client\(clients == 1 ? "" : "s"): \(Int(gets)) gets/s")
        }

        let disk = try diskSpeed(directory: root)
        print(String(format: "disk, sequential 256 MiB: write+fsync %.0f MB/s, read %.0f MB/s", disk.write, disk.read))
        for size in [64 << 20, 1 << 30] {
            let before = Self.memoryKiB(daemon.pid, "VmRSS:")
            let source = Self.pattern(size, seed: size)
            let (_, putTime) = try await timed {
                try await client.call(
                    Methods.putObject,
                    PutObjectRequest(bucket: "bench", key: "large/\(size)", body: PayloadField(length: size)),
                    payload: source)
            }
            let peak = Self.memoryKiB(daemon.pid, "VmHWM:")
            let (_, getTime) = try await timed {
                let (_, payload) = try await client.callReceivingPayload(
                    Methods.getObject, GetObjectRequest(bucket: "bench", key: "large/\(size)"))
                for try await _ in payload {}
            }
            let put = Double(size) / putTime.totalSeconds / 1e6
            let get = Double(size) / getTime.totalSeconds / 1e6
            print(
                String(
                    format:
                        "%@ put %.0f MB/s (%.0f%% of disk write / 2 copies), get %.0f MB/s (%.0f%% of disk read); daemon RSS %d MiB before, peak %d MiB",
                    size >= 1 << 30 ? "1 GiB" : "64 MiB", put, put / (disk.write / 2) * 100, get, get / disk.read * 100,
                    before / 1024, peak / 1024))
        }

        try await fill(daemon: daemon, keys: keys)
        var pages = 0
        var listed = 0
        let (_, listTime) = try await timed {
            var token: String?
            repeat {
                let page = try await client.call(
                    Methods.listObjectsV2,
                    ListObjectsV2Request(bucket: "bench", prefix: "list/", continuationToken: token))
                listed += page.keyCount
                pages += 1
                token = page.nextContinuationToken
            } while token != nil
        }
        print(
            String(
                format: "ListObjectsV2 over %d keys: %d pages in %.2f s (%.1f ms a page)", listed, pages,
                listTime.totalSeconds, listTime.totalSeconds * 1000 / Double(max(pages, 1))))
        await client.close()
        _ = await daemon.terminate()
    }

    /// Operations per second of `clients` concurrent clients for `seconds`.
    private func rate(
        daemon: DaemonProcess, clients: Int,
        _ operation: @escaping @Sendable (IaasClient, Int, Int) async throws -> Void
    ) async throws -> Double {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let start = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    let client = try await daemon.client()
                    var count = 0
                    while ContinuousClock.now < deadline {
                        try await operation(client, worker, count)
                        count += 1
                    }
                    await client.close()
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / (ContinuousClock.now - start).totalSeconds
    }

    /// Puts `keys` small objects under `list/`, 16 at a time.
    private func fill(daemon: DaemonProcess, keys: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    let client = try await daemon.client()
                    for index in stride(from: worker, to: keys, by: 16) {
                        try await client.putObject("bench", String(format: "list/%08d", index), [UInt8(index & 0xFF)])
                    }
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
    }

    /// The disk's sequential speed in MB/s: 256 MiB written and fsynced, then read with the page cache
    /// dropped for that file.
    private func diskSpeed(directory: String) throws -> (write: Double, read: Double) {
        let path = directory + "/disk-speed"
        defer { unlink(path) }
        let block = [UInt8](repeating: 0xA5, count: 1 << 20)
        let fd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ValidationError("cannot write \(path)") }
        defer { close(fd) }
        let total = 256
        let start = ContinuousClock.now
        for _ in 0..<total { _ = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
        fsync(fd)
        let writeSpeed = Double(total << 20) / (ContinuousClock.now - start).totalSeconds / 1e6
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let readStart = ContinuousClock.now
        var offset = 0
        while offset < total << 20 {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard count > 0 else { break }
            offset += count
        }
        let readSpeed = Double(offset) / (ContinuousClock.now - readStart).totalSeconds / 1e6
        return (writeSpeed, readSpeed)
    }

    /// Bytes generated as they are sent, distinct per seed, every 8-byte word different (so no chunk is
    /// deduplicated), written a word at a time so that the client costs little of the cores the daemon
    /// shares with it.
    private static func pattern(_ length: Int, seed: Int) -> PayloadSource {
        PayloadSource(length: length) { offset, maxCount in
            PayloadChunk(capacity: maxCount) { buffer in
                let words = maxCount / 8
                let first = UInt64(offset / 8)
                for index in 0..<words {
                    let word = (first &+ UInt64(index)) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(seed)
                    buffer.storeBytes(of: word, toByteOffset: index * 8, as: UInt64.self)
                }
                for index in (words * 8)..<maxCount { buffer[index] = UInt8(truncatingIfNeeded: index &+ seed) }
                return maxCount
            }
        }
    }

    private static func memoryKiB(_ pid: Int32, _ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

}
