import API
import Foundation
import IaasTesting
import Testing

/// A small file system of its own to fill: a tmpfs, which only root can mount.
private final class SmallFileSystem {
    let mountPoint: String
    private let directory: TemporaryDirectory

    init(megabytes: Int, inodes: Int) throws {
        directory = try TemporaryDirectory()
        mountPoint = directory.path + "/fs"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = try CommandRun(
            "/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,nr_inodes=\(inodes),mode=700", "tmpfs", mountPoint])
        guard mount.status == 0 else { throw CommandFailure(description: "mount: \(mount.stderr)") }
    }

    /// Fills every free block (`filler`) and inode (`inode-N`); returns what it made, to free it later.
    func fill() -> [String] {
        var made: [String] = []
        let filler = mountPoint + "/filler"
        if FileManager.default.createFile(atPath: filler, contents: nil),
            let handle = FileHandle(forWritingAtPath: filler)
        {
            made.append(filler)
            let chunk = Data(count: 64 << 10)
            while (try? handle.write(contentsOf: chunk)) != nil {}
            try? handle.close()
        }
        var index = 0
        while FileManager.default.createFile(atPath: mountPoint + "/inode-\(index)", contents: nil) {
            made.append(mountPoint + "/inode-\(index)")
            index += 1
        }
        return made
    }

    deinit {
        _ = try? CommandRun("/bin/umount", ["-l", mountPoint])
        directory.remove()
    }
}

private struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}

@Suite("Disk full")
struct DiskFullTests {
    /// The codes a request may fail with on a full disk: capacity faults a client may retry, never an
    /// InternalError.
    private static let fullDiskCodes: Set<String> = ["InsufficientVolumeCapacity", "Unavailable"]

    /// Runs a call that may succeed or fail for want of space; returns the AWS code it failed with.
    private func outcome(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as RPCErrorObject {
            return error.awsCode ?? "JSON-RPC \(error.code)"
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs to fill needs root"))
    func aFullDiskGetsCapacityErrorsLeavesNothingHalfDoneAndReadsGoOn() async throws {
        let fs = try SmallFileSystem(megabytes: 16, inodes: 400)
        let data = fs.mountPoint + "/data"
        var daemon = try await DaemonProcess(dataDirectory: data)
        var client = try await daemon.client()
        var volumes: [String] = []
        for _ in 0..<3 { volumes.append(try await client.createVolume(size: 1).volumeId) }

        let filler = fs.fill()
        var codes: [String] = []
        for round in 0..<5 {
            if let code = await outcome({ _ = try await client.createVolume(size: 1) }) { codes.append(code) }
            let tags = (0..<50).map { Tag(key: "round-\(round)-\($0)", value: String(repeating: "v", count: 256)) }
            for volume in volumes {
                let request = CreateTagsRequest(resources: [volume], tags: Array(tags.prefix(45)))
                if let code = await outcome({ _ = try await client.call(Methods.createTags, request) }) {
                    codes.append(code)
                }
            }
            let grow = ModifyVolumeRequest(volumeId: volumes[round % volumes.count], size: 2 + round)
            if let code = await outcome({ _ = try await client.call(Methods.modifyVolume, grow) }) {
                codes.append(code)
            }
            // Reads go on.
            #expect(try await client.call(Methods.describeVolumes, DescribeVolumesRequest()).volumes.count >= 3)
            _ = try await client.call(Methods.status)
        }
        print("disk full: refused \(codes.count) calls: \(Set(codes).sorted())")
        #expect(!codes.isEmpty, "a full disk must refuse something")
        #expect(codes.allSatisfy(Self.fullDiskCodes.contains), "\(codes)")

        // Blocks back but no inode: the row commits, the replica files cannot be made, and the create is
        // rolled back with a capacity error.
        try FileManager.default.removeItem(atPath: fs.mountPoint + "/filler")
        let before = try DataDirectoryInspector(root: data).snapshot().volumes.count
        #expect(await outcome({ _ = try await client.createVolume(size: 1) }) == "InsufficientVolumeCapacity")
        #expect(try DataDirectoryInspector(root: data).snapshot().volumes.count == before)

        // Space back: nothing half-done is visible, and the cloud works again.
        for path in filler { try? FileManager.default.removeItem(atPath: path) }
        let snapshot = try DataDirectoryInspector(root: data).snapshot()
        #expect(snapshot.volumes.allSatisfy { $0.state == .available }, "\(snapshot.volumes.map(\.state))")
        #expect(try DataDirectoryInspector(root: data).violations() == [])
        _ = try await client.createVolume(size: 1)
        await client.close()
        #expect(await daemon.terminate() == 0)

        // And a restart finds nothing to repair.
        daemon = try await DaemonProcess(dataDirectory: data)
        client = try await daemon.client()
        #expect(try DataDirectoryInspector(root: data).violations() == [])
        #expect(daemon.log().contains("iaas.reconcile.creates=0"))
        await client.close()
        #expect(await daemon.terminate() == 0)
    }
}
