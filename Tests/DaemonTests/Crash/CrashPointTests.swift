import API
import Foundation
import IaasTesting
import Store
import Testing

/// Crashes the real daemon at every named point of create, modify and delete, restarts it, and checks that
/// the reconciler left every acknowledged volume whole, no row transitional and no orphan file.
@Suite("Crash at every named point")
struct CrashPointTests {
    /// Starts a daemon armed to crash at `point`, runs `action` (which must die with the daemon), and
    /// returns a daemon restarted on the same data.
    private func crash(
        at point: String, data: String, action: @escaping @Sendable (IaasClient) async throws -> Void
    ) async throws -> DaemonProcess {
        let armed = try await DaemonProcess(dataDirectory: data, crashAt: point)
        let client = try await armed.client()
        await #expect(throws: IaasClientError.self) { try await action(client) }
        let status = await armed.waitForExit()
        #expect(status == CrashPoint.exitStatus, "iaasd should have died at \(point); log:\n\(armed.log())")
        #expect(armed.log().contains("crash point \(point) reached"))
        let restarted = try await DaemonProcess(dataDirectory: data)
        #expect(try DataDirectoryInspector(root: data).violations() == [])
        return restarted
    }

    /// A data directory with two acknowledged volumes, which every crash must leave alone.
    private func seeded() async throws -> (TemporaryDirectory, String, [Volume]) {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        let daemon = try await DaemonProcess(dataDirectory: data)
        let client = try await daemon.client()
        let volumes = [
            try await client.createVolume(size: 1), try await client.createVolume(size: 2, zone: "us-east-1b"),
        ]
        await client.close()
        #expect(await daemon.terminate() == 0)
        return (directory, data, volumes)
    }

    private func expectSeedsIntact(_ seeds: [Volume], _ client: IaasClient) async throws {
        let described = try await client.call(
            Methods.describeVolumes, DescribeVolumesRequest(volumeIds: seeds.map(\.volumeId)))
        #expect(described.volumes.map(\.state) == ["available", "available"])
        #expect(Set(described.volumes.map(\.size)) == Set(seeds.map(\.size)))
    }

    @Test(arguments: ["volume.create.after-intent", "volume.create.after-files"])
    func create(point: String) async throws {
        let (directory, data, seeds) = try await seeded()
        defer { directory.remove() }
        let request = CreateVolumeRequest(availabilityZone: "us-east-1c", size: 3, clientToken: "crash-\(point)")
        let daemon = try await crash(at: point, data: data) { client in
            _ = try await client.call(Methods.createVolume, request)
        }
        let client = try await daemon.client()
        try await expectSeedsIntact(seeds, client)
        // The interrupted create was driven forward; the client's retry with its token finds that volume.
        let retried = try await client.call(Methods.createVolume, request)
        #expect(retried.state == "available")
        #expect(retried.size == 3)
        #expect(try await client.volumeIds().sorted() == (seeds.map(\.volumeId) + [retried.volumeId]).sorted())
        #expect(try DataDirectoryInspector(root: data).violations() == [])
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test(arguments: ["volume.delete.after-intent", "volume.delete.after-files"])
    func delete(point: String) async throws {
        let (directory, data, seeds) = try await seeded()
        defer { directory.remove() }
        let victim = seeds[0].volumeId
        let daemon = try await crash(at: point, data: data) { client in
            _ = try await client.call(Methods.deleteVolume, DeleteVolumeRequest(volumeId: victim))
        }
        let client = try await daemon.client()
        // The delete was driven forward: the volume and its files are gone; the other is untouched.
        #expect(try await client.volumeIds() == [seeds[1].volumeId])
        #expect(try DataDirectoryInspector(root: data).volumeFiles().allSatisfy { !$0.contains(victim) })
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test(arguments: ["volume.modify.after-intent", "volume.modify.after-files"])
    func modify(point: String) async throws {
        let (directory, data, seeds) = try await seeded()
        defer { directory.remove() }
        let target = seeds[0].volumeId
        let daemon = try await crash(at: point, data: data) { client in
            _ = try await client.call(Methods.modifyVolume, ModifyVolumeRequest(volumeId: target, size: 5))
        }
        let client = try await daemon.client()
        let volume = try #require(
            try await client.call(Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [target])).volumes.first)
        #expect(volume.size == 5)
        #expect(try DataDirectoryInspector(root: data).snapshot().modifying.isEmpty)
        // A new modification is accepted: nothing is stuck "modifying".
        let next = try await client.call(Methods.modifyVolume, ModifyVolumeRequest(volumeId: target, size: 6))
        #expect(next.volumeModification.modificationState == "completed")
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test(arguments: ["volume.create.rollback.after-intent", "volume.create.rollback.after-files"])
    func rollBack(point: String) async throws {
        let (directory, data, seeds) = try await seeded()
        defer { directory.remove() }
        // Replica 1 of us-east-1c cannot be made: its storage server's directory is a file.
        let blocked = data + "/zones/us-east-1c/ebs-1"
        try FileManager.default.removeItem(atPath: blocked)
        #expect(FileManager.default.createFile(atPath: blocked, contents: Data("x".utf8)))
        let request = CreateVolumeRequest(availabilityZone: "us-east-1c", size: 3, clientToken: "rollback-\(point)")
        let daemon = try await crash(at: point, data: data) { client in
            _ = try await client.call(Methods.createVolume, request)
        }
        let client = try await daemon.client()
        // The roll-back was finished: the failed create did not come back, and left no file.
        #expect(try await client.volumeIds().sorted() == seeds.map(\.volumeId).sorted())
        #expect(try DataDirectoryInspector(root: data).volumeFiles().allSatisfy { !$0.contains("us-east-1c") })
        // Once the zone is repaired, a retry with the same token creates the volume afresh.
        try FileManager.default.removeItem(atPath: blocked)
        let retried = try await client.call(Methods.createVolume, request)
        #expect(retried.state == "available")
        #expect(try DataDirectoryInspector(root: data).violations() == [])
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func everyCrashPointIsCovered() throws {
        // The points named in the sources must be exactly the ones tested above, so a new point cannot go untested.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
        var named = Set<String>()
        let enumerator = FileManager.default.enumerator(atPath: sources.path)!
        while let file = enumerator.nextObject() as? String {
            guard file.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sources.path + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("CrashPoint.reach(\"") {
                let start = line.range(of: "CrashPoint.reach(\"")!.upperBound
                named.insert(String(line[start...].prefix { $0 != "\"" }))
            }
        }
        #expect(
            named == [
                "volume.create.after-intent", "volume.create.after-files", "volume.create.rollback.after-intent",
                "volume.create.rollback.after-files", "volume.delete.after-intent",
                "volume.delete.after-files", "volume.modify.after-intent", "volume.modify.after-files",
                // Tested in QueueCrashTests.
                "sqs.send.after-commit", "sqs.receive.after-commit", "sqs.delete.after-commit",
                "sqs.queue.delete.after-intent", "sqs.queue.delete.after-messages", "sqs.queue.purge.after-intent",
                // Tested in MoveTaskCrashTests.
                "sqs.move-task.before-batch",
                // Tested in ObjectCrashTests.
                "s3.put.after-blobs", "s3.put.after-commit", "s3.upload-part.after-blobs",
                "s3.complete-multipart.after-commit",
                // Tested in SnapshotCrashTests.
                "snapshot.create.after-intent", "snapshot.create.after-pause", "snapshot.create.after-read",
                "snapshot.create.after-blobs",
                "snapshot.copy.after-intent", "snapshot.copy.after-blobs", "volume.restore.after-intent",
                "volume.restore.after-blocks", "snapshot.import.after-intent", "snapshot.import.after-blobs",
                // Tested in InstanceCrashTests.
                "instance.run.after-intent", "instance.boot.after-volume", "instance.boot.after-start",
                "instance.stop.after-intent", "instance.stop.after-machine", "instance.terminate.after-intent",
                "instance.terminate.after-machine",
                "volume.attach.after-intent", "volume.attach.after-plug", "volume.detach.after-intent",
                // Tested in NetworkCrashTests.
                "network.apply.after-taps", "network.apply.after-dhcp", "network.apply.after-nat",
                "address.associate.after-commit",
                // Tested in ImageCrashTests.
                "image.register.after-file",
            ])
    }
}
