import API
import Foundation
import IaasTesting
import Testing

/// File work that fails at run time (not a crash) is resolved at once: retried, then rolled back or put in
/// AWS's `error`/`failed` state, with an error that names no path and a request id the log explains.
@Suite("Failures at run time")
struct FailureTests {
    private func error(_ body: () async throws -> Void) async -> RPCErrorObject? {
        do {
            try await body()
            return nil
        } catch let error as RPCErrorObject {
            return error
        } catch {
            return nil
        }
    }

    /// The request id an error message names.
    private func requestId(_ message: String) -> String? {
        guard let range = message.range(of: "request id ") else { return nil }
        return String(message[range.upperBound...].prefix { $0 != ")" })
    }

    @Test func aCreateWhoseFilesCannotBeMadeIsRolledBackAndExplainedOnlyInTheLog() async throws {
        let fixture = try await DaemonFixture.start()
        let blocked = fixture.data + "/zones/us-east-1b/ebs-1"
        try FileManager.default.removeItem(atPath: blocked)
        #expect(FileManager.default.createFile(atPath: blocked, contents: Data("x".utf8)))
        let request = CreateVolumeRequest(availabilityZone: "us-east-1b", size: 2, clientToken: "blocked")
        let failure = try #require(await error { _ = try await fixture.client.call(Methods.createVolume, request) })
        #expect(failure.awsCode == "InternalError")
        #expect(failure.code == 1500)
        #expect(!failure.message.contains("/"), "no path reaches the client: \(failure.message)")
        #expect(!failure.message.contains("Not a directory"), "\(failure.message)")
        let id = try #require(requestId(failure.message))
        let logged = fixture.daemon.log().split(separator: "\n").filter { $0.contains(id) }
        #expect(logged.contains { $0.contains(blocked) }, "the log explains \(id)")
        // Nothing is left: no row, no file of the first replica.
        #expect(try await fixture.client.volumeIds().isEmpty)
        #expect(try fixture.inspector.volumeFiles().isEmpty)
        #expect(try fixture.inspector.violations() == [])
        // Repaired, the same token creates the volume.
        try FileManager.default.removeItem(atPath: blocked)
        #expect(try await fixture.client.call(Methods.createVolume, request).state == "available")
        await fixture.stop()
    }

    @Test func aDeleteWhoseFilesCannotBeRemovedLeavesTheVolumeInErrorUntilDeletedAgain() async throws {
        let fixture = try await DaemonFixture.start()
        let volume = try await fixture.client.createVolume()
        // A directory with a file in it where a segment should be: unlink fails with EISDIR.
        let segment = fixture.data + "/zones/us-east-1a/ebs-0/\(volume.volumeId).0.raw"
        try FileManager.default.removeItem(atPath: segment)
        try FileManager.default.createDirectory(atPath: segment + "/x", withIntermediateDirectories: true)
        let delete = DeleteVolumeRequest(volumeId: volume.volumeId)
        let failure = try #require(await error { _ = try await fixture.client.call(Methods.deleteVolume, delete) })
        #expect(failure.awsCode == "InternalError")
        let described = try await fixture.client.call(
            Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [volume.volumeId]))
        #expect(described.volumes.map(\.state) == ["error"])
        // Only DeleteVolume applies to a volume in error.
        let modify = ModifyVolumeRequest(volumeId: volume.volumeId, size: 4)
        #expect(
            await error { _ = try await fixture.client.call(Methods.modifyVolume, modify) }?.awsCode == "IncorrectState"
        )
        try FileManager.default.removeItem(atPath: segment)
        _ = try await fixture.client.call(Methods.deleteVolume, delete)
        #expect(try await fixture.client.volumeIds().isEmpty)
        #expect(try fixture.inspector.violations() == [])
        await fixture.stop()
    }

    @Test func aGrowThatFailsEndsTheModificationFailedAndKeepsTheVolume() async throws {
        let fixture = try await DaemonFixture.start()
        let volume = try await fixture.client.createVolume(size: 2)
        let segment = fixture.data + "/zones/us-east-1a/ebs-1/\(volume.volumeId).0.raw"
        try FileManager.default.removeItem(atPath: segment)
        try FileManager.default.createDirectory(atPath: segment, withIntermediateDirectories: true)
        let grow = ModifyVolumeRequest(volumeId: volume.volumeId, size: 8)
        #expect(
            await error { _ = try await fixture.client.call(Methods.modifyVolume, grow) }?.awsCode == "InternalError")
        let modifications = try await fixture.client.call(
            Methods.describeVolumesModifications, DescribeVolumesRequest(volumeIds: [volume.volumeId]))
        #expect(modifications.volumesModifications.map(\.modificationState) == ["failed"])
        let described = try await fixture.client.call(
            Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [volume.volumeId]))
        #expect(described.volumes.map(\.size) == [2])
        #expect(described.volumes.map(\.state) == ["available"])
        // With the replica back, the volume grows.
        try FileManager.default.removeItem(atPath: segment)
        let grown = try await fixture.client.call(Methods.modifyVolume, grow)
        #expect(grown.volumeModification.modificationState == "completed")
        await fixture.stop()
    }
}
