import API
import Crypto
import Foundation
import IaasTesting
import Testing

/// Bodies stream through the daemon: a put and a get far larger than anything buffered take a few MiB of
/// the daemon's memory, and the bytes come back exact.
@Suite("S3 bodies stream")
struct StreamingTests {
    /// A deterministic body generated as it is sent, never held whole in memory.
    private static func pattern(_ length: Int) -> PayloadSource {
        PayloadSource(length: length) { offset, maxCount in
            PayloadChunk(capacity: maxCount) { buffer in
                TestBytes.fill(buffer, at: offset)
                return maxCount
            }
        }
    }

    private static func md5(of source: PayloadSource) async throws -> [UInt8] {
        var md5 = Insecure.MD5()
        var offset = 0
        while offset < source.length {
            let chunk = try await source.read(at: offset, maxCount: min(1 << 20, source.length - offset))
            chunk.withUnsafeBytes { md5.update(bufferPointer: $0) }
            offset += chunk.count
        }
        return Array(md5.finalize())
    }

    @Test func aQuarterGibibyteGoesThroughInBoundedMemory() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("big")
        let length = 256 << 20
        let source = Self.pattern(length)
        let before = ProcStatus.kibibytes(fixture.daemon.pid, "VmRSS:")
        let put = try await client.call(
            Methods.putObject, PutObjectRequest(bucket: "big", key: "blob", body: PayloadField(length: length)),
            payload: source)
        let expected = try await Self.md5(of: source)
        #expect(put.eTag == "\"" + expected.map { String(format: "%02x", $0) }.joined() + "\"")

        let (result, payload) = try await client.callReceivingPayload(
            Methods.getObject, GetObjectRequest(bucket: "big", key: "blob"))
        #expect(result.contentLength == Int64(length))
        var md5 = Insecure.MD5()
        var received = 0
        for try await chunk in payload {
            chunk.withUnsafeBytes { md5.update(bufferPointer: $0) }
            received += chunk.count
        }
        #expect(received == length && Array(md5.finalize()) == expected)
        let peak = ProcStatus.kibibytes(fixture.daemon.pid, "VmHWM:")
        #expect(peak - before < 64 << 10, "the daemon's peak RSS grew by \(peak - before) KiB")
        await fixture.stop()
    }
}
