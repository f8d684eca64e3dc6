import API
import Foundation
import IaasTesting
import Testing

/// No local user can read the cloud's data, and no data is destroyed because the database does not know it.
@Suite("Data safety")
struct DataSafetyTests {
    /// Every path under `root` with its mode bits (permissions only).
    private func modes(under root: String) throws -> [(path: String, mode: Int, isDirectory: Bool)] {
        var found: [(String, Int, Bool)] = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        while let relative = enumerator.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + relative)
            let type = attributes[.type] as? FileAttributeType
            found.append((relative, (attributes[.posixPermissions] as? Int) ?? -1, type == .typeDirectory))
        }
        return found
    }

    @Test func everythingTheDaemonCreatesIsOwnerOnlyWhateverTheUmask() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let daemon = try await DaemonProcess(dataDirectory: data, umask: "000")
        let client = try await daemon.client()
        let volume = try await client.createVolume(size: 1)
        _ = try await client.call(
            Methods.createTags, CreateTagsRequest(resources: [volume.volumeId], tags: [Tag(key: "k", value: "v")]))
        let socket = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
        #expect((socket[.posixPermissions] as? Int) == 0o660)
        let root = try FileManager.default.attributesOfItem(atPath: data)
        #expect((root[.posixPermissions] as? Int) == 0o700)
        var checked = 0
        for entry in try modes(under: data) where entry.path != "iaasd.sock" {
            #expect(
                entry.mode == (entry.isDirectory ? 0o700 : 0o600), "\(entry.path) is \(String(entry.mode, radix: 8))")
            checked += 1
        }
        #expect(checked > 10, "the data directory holds the database, lock, zones and replicas")
        // Nothing of the private bind directory is left beside the socket.
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).allSatisfy { !$0.hasPrefix(".iaasd-bind") })
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aDataDirectoryAnOlderDaemonLeftOpenIsClosedAtStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(
            atPath: data + "/zones/us-east-1a/ebs-0", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        for path in [data, data + "/zones", data + "/zones/us-east-1a", data + "/zones/us-east-1a/ebs-0"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        let daemon = try await DaemonProcess(dataDirectory: data)
        for path in [data, data + "/zones", data + "/zones/us-east-1a", data + "/zones/us-east-1a/ebs-0"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o700, "\(path)")
        }
        #expect(await daemon.terminate() == 0)
    }

    @Test func theSocketGroupOptionGivesThatGroupTheSocket() async throws {
        // `nogroup` (65534) exists on every Debian machine; as a number it needs no lookup.
        let fixture = try await DaemonFixture.start(arguments: ["--socket-group", "65534"])
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.daemon.socketPath)
        #expect((attributes[.groupOwnerAccountID] as? Int) == 65534)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
        await fixture.stop()
        let refused = try CommandRun(
            DaemonProcess.binary(),
            DaemonProcess.isolated(["--data-dir", fixture.data, "--socket-group", "no-such-group-here"]))
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("no group named 'no-such-group-here'"), "\(refused.stderr)")
    }

    @Test func aLostDatabaseStopsTheStartInsteadOfDeletingTheVolumes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let first = try await DaemonProcess(dataDirectory: data)
        let client = try await first.client()
        _ = try await client.createVolume(size: 1)
        _ = try await client.createVolume(size: 2, zone: "us-east-1b")
        await client.close()
        #expect(await first.terminate() == 0)
        // Two replicas of each, and each one's change map.
        let files = try DataDirectoryInspector(root: data).volumeFiles()
        #expect(
            files.filter { $0.hasSuffix(".raw") }.count == 4 && files.filter { $0.hasSuffix(".changes") }.count == 2)

        // The database is moved away: the daemon refuses, and names the way out.
        try FileManager.default.moveItem(atPath: data + "/iaas.sqlite", toPath: directory.path + "/moved.sqlite")
        let refused = try CommandRun(DaemonProcess.binary(), DaemonProcess.isolated(["--data-dir", data]))
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--adopt-orphans"), "\(refused.stderr)")
        #expect(try DataDirectoryInspector(root: data).volumeFiles() == files, "not one file touched")
        #expect(!FileManager.default.fileExists(atPath: data + "/iaas.sqlite"), "no database was made")

        // Adopting moves the data to lost+found, where status counts it (change maps too); nothing is
        // deleted.
        let adopted = try await DaemonProcess(dataDirectory: data, arguments: ["--adopt-orphans"])
        let adoptedClient = try await adopted.client()
        #expect(try await adoptedClient.volumeIds().isEmpty)
        #expect(try await adoptedClient.call(Methods.status).lostAndFoundFiles == 6)
        #expect(try DataDirectoryInspector(root: data).volumeFiles().isEmpty)
        let kept = try ["us-east-1a", "us-east-1b"].flatMap { zone in
            try FileManager.default.contentsOfDirectory(atPath: data + "/zones/\(zone)/lost+found")
        }
        #expect(kept.count == 6)
        #expect(adopted.log().contains("lost+found"))
        await adoptedClient.close()
        #expect(await adopted.terminate() == 0)
    }

    @Test func anOlderDatabaseKeepsTheVolumesItDoesNotKnowInLostAndFound() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let first = try await DaemonProcess(dataDirectory: data)
        var client = try await first.client()
        let old = try await client.createVolume(size: 1)
        await client.close()
        #expect(await first.terminate() == 0)
        try FileManager.default.copyItem(atPath: data + "/iaas.sqlite", toPath: directory.path + "/backup.sqlite")

        let second = try await DaemonProcess(dataDirectory: data)
        client = try await second.client()
        let newer = try await client.createVolume(size: 1)
        await client.close()
        #expect(await second.terminate() == 0)

        // The backup is restored: the newer volume's data is kept aside, the older volume is served.
        try FileManager.default.removeItem(atPath: data + "/iaas.sqlite")
        try FileManager.default.copyItem(atPath: directory.path + "/backup.sqlite", toPath: data + "/iaas.sqlite")
        let restored = try await DaemonProcess(dataDirectory: data)
        client = try await restored.client()
        #expect(try await client.volumeIds() == [old.volumeId])
        #expect(try await client.call(Methods.status).lostAndFoundFiles == 3)
        let kept = try FileManager.default.contentsOfDirectory(atPath: data + "/zones/us-east-1a/lost+found")
        #expect(
            kept.sorted() == ["\(newer.volumeId).0.raw", "\(newer.volumeId).0.raw.1", "\(newer.volumeId).changes"])
        await client.close()
        #expect(await restored.terminate() == 0)
    }
}
