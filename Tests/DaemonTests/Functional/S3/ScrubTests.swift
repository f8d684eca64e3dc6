import API
import Crypto
import Foundation
import IaasTesting
import Testing

/// Losing a zone's blob directory while the daemon runs loses no object, and scrub puts its copies back;
/// a flipped byte is found and repaired, by scrub and by the read that meets it.
@Suite("S3 scrub and zone loss")
struct ScrubTests {
    static let zones = ["us-east-1a", "us-east-1b", "us-east-1c"]

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Twenty small objects (pack rows) and one of 20 MiB (three blob files), stored in every zone.
    static func fill(_ client: IaasClient, _ inspector: DataDirectoryInspector) async throws -> [String: [UInt8]] {
        try await client.createBucket("keep")
        var objects: [String: [UInt8]] = [:]
        for index in 0..<20 {
            objects["small/\(index)"] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* (index + 3)) }
        }
        objects["large"] = TestBytes.pattern(20 << 20)
        for (key, bytes) in objects { try await client.putObject("keep", key, bytes) }
        // The zones a put did not write catch up in the background.
        try await waitUntil { zones.allSatisfy { inspector.blobs(zone: $0).count == 3 } }
        try await waitUntil { zones.allSatisfy { inspector.packedBlobs(zone: $0).count == 20 } }
        return objects
    }

    static func scrub(_ client: IaasClient) async throws -> ScrubResult {
        try await client.call(Methods.scrub)
    }

    @Test func aZoneLostWhileRunningLosesNothingAndScrubRestoresIt() async throws {
        // The collector's pass (every minute by default) would also put missing copies back, and a slow run
        // could see it do so between the loss and the scrub: the counts below are the scrub's alone.
        let fixture = try await DaemonFixture.start(arguments: ["--collect-interval", "86400"])
        let client = fixture.client
        let inspector = fixture.inspector
        let objects = try await Self.fill(client, inspector)
        let clean = try await Self.scrub(client)
        #expect(clean.blobsChecked == 23 && clean.copiesChecked == 69)
        #expect(clean.copiesMissing == 0 && clean.copiesCorrupt == 0 && clean.blobsLost.isEmpty)
        #expect(clean.bytesRead == 3 * (20 * 4096 + (20 << 20)))

        // us-east-1b's whole blob directory goes, pack included, while the daemon runs.
        try FileManager.default.removeItem(atPath: fixture.data + "/zones/us-east-1b/blobs")
        let repaired = try await Self.scrub(client)
        #expect(repaired.copiesMissing == 23 && repaired.copiesRepaired == 23 && repaired.blobsLost.isEmpty)
        #expect(inspector.blobs(zone: "us-east-1b") == inspector.blobs(zone: "us-east-1a"))
        #expect(inspector.packedBlobs(zone: "us-east-1b") == inspector.packedBlobs(zone: "us-east-1a"))
        // Then us-east-1a's: every object still reads back, from the zones left.
        try FileManager.default.removeItem(atPath: fixture.data + "/zones/us-east-1a/blobs")
        for (key, bytes) in objects { #expect(try await client.getObject("keep", key).1 == bytes, "\(key)") }
        // Puts go on meanwhile, into every zone.
        try await client.putObject("keep", "after", [1, 2, 3])
        #expect(try await client.getObject("keep", "after").1 == [1, 2, 3])
        #expect(try await Self.scrub(client).blobsLost.isEmpty)
        let settled = try await Self.scrub(client)
        #expect(settled.copiesMissing == 0 && settled.copiesCorrupt == 0 && settled.copiesChecked == 72)
        for zone in Self.zones { #expect(inspector.packedBlobs(zone: zone).count == 21, "\(zone)") }

        // What was restored survives a restart: it is in files that exist, not in deleted ones.
        await client.close()
        #expect(await fixture.daemon.terminate() == 0)
        let restarted = try await DaemonProcess(dataDirectory: fixture.data)
        let again = try await restarted.client()
        let afterRestart = try await Self.scrub(again)
        #expect(afterRestart.copiesMissing == 0 && afterRestart.copiesChecked == 72)
        await again.close()
        #expect(await restarted.terminate() == 0)
    }

    @Test func aFlippedByteIsFoundAndRepaired() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let inspector = fixture.inspector
        let objects = try await Self.fill(client, inspector)
        let large = inspector.blobs(zone: "us-east-1a")[0]
        let small = Self.sha256(try #require(objects["small/5"]))
        let good = try Data(contentsOf: URL(fileURLWithPath: inspector.blobPath(zone: "us-east-1a", digest: large)))

        // Rot in zone c, found by scrub.
        try inspector.flipByte(zone: "us-east-1c", digest: large)
        try inspector.flipPackedByte(zone: "us-east-1c", digest: small)
        let found = try await Self.scrub(client)
        #expect(found.copiesCorrupt == 2 && found.copiesRepaired == 2 && found.copiesMissing == 0)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: inspector.blobPath(zone: "us-east-1c", digest: large))) == good)
        #expect(inspector.packedBytes(zone: "us-east-1c", digest: small) == objects["small/5"])

        // Rot in zone a (read first), met by a read: the right bytes are served and the copy repaired.
        try inspector.flipByte(zone: "us-east-1a", digest: large)
        try inspector.flipPackedByte(zone: "us-east-1a", digest: small)
        #expect(try await client.getObject("keep", "large").1 == objects["large"])
        #expect(try await client.getObject("keep", "small/5").1 == objects["small/5"])
        // A small blob's copy is repaired in the background, after the read is answered: wait for the read's
        // repair, so that the scrub below finds nothing left to do rather than racing it.
        for _ in 0..<100 where inspector.packedBytes(zone: "us-east-1a", digest: small) != objects["small/5"] {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(inspector.packedBytes(zone: "us-east-1a", digest: small) == objects["small/5"])
        let afterReads = try await Self.scrub(client)
        #expect(afterReads.copiesCorrupt == 0 && afterReads.copiesMissing == 0)

        // A blob no zone holds whole is reported lost, by name, and scrub says so in its status.
        for zone in Self.zones {
            try FileManager.default.removeItem(atPath: inspector.blobPath(zone: zone, digest: large))
        }
        let lost = try await Self.scrub(client)
        #expect(lost.blobsLost == [large] && lost.copiesRepaired == 0)
        await fixture.stop()
    }

    @Test func theDaemonScrubsOnItsOwn() async throws {
        let fixture = try await DaemonFixture.start(arguments: ["--scrub-interval", "1"])
        let inspector = fixture.inspector
        _ = try await Self.fill(fixture.client, inspector)
        let large = inspector.blobs(zone: "us-east-1a")[0]
        let path = inspector.blobPath(zone: "us-east-1b", digest: large)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        try inspector.flipByte(zone: "us-east-1b", digest: large)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) != good)
        try await waitUntil { (try? Data(contentsOf: URL(fileURLWithPath: path))) == good }
        await fixture.stop()
    }
}
