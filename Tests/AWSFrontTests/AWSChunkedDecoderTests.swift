import Crypto
import NIOCore
import Testing

@testable import AWSFront

/// aws-chunked bodies: the signed example of AWS's "Signature Calculations for the Authorization Header:
/// Transferring Payload in Multiple Chunks" (66,560 bytes of `a` in a 64 KiB and a 1 KiB chunk), unsigned
/// bodies with trailers, and malformed framing.
@Suite("aws-chunked")
struct AWSChunkedDecoderTests {
    static let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    static let chunkSignatures = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]

    private func signing() throws -> AWSChunkedDecoder.ChunkSigning {
        let scope = try CredentialScope("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request")
        return AWSChunkedDecoder.ChunkSigning(
            key: CanonicalRequest.signingKey(secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", scope: scope),
            amzDate: "20130524T000000Z", scope: scope.signingScope, previous: Self.seed)
    }

    private func signedBody(signatures: [String] = chunkSignatures) -> [UInt8] {
        let first = [UInt8](repeating: UInt8(ascii: "a"), count: 65536)
        let second = [UInt8](repeating: UInt8(ascii: "a"), count: 1024)
        return Array("10000;chunk-signature=\(signatures[0])\r\n".utf8) + first + Array("\r\n".utf8)
            + Array("400;chunk-signature=\(signatures[1])\r\n".utf8) + second + Array("\r\n".utf8)
            + Array("0;chunk-signature=\(signatures[2])\r\n\r\n".utf8)
    }

    /// Decodes `body` fed in pieces of `piece` bytes, as socket reads would cut it.
    private func decode(_ body: [UInt8], piece: Int, signing: AWSChunkedDecoder.ChunkSigning? = nil) throws
        -> (data: [UInt8], trailers: [String: String])
    {
        var decoder = AWSChunkedDecoder(signing: signing)
        var data: [UInt8] = []
        var offset = 0
        while offset < body.count {
            let end = min(offset + piece, body.count)
            for slice in try decoder.decode(ByteBuffer(bytes: body[offset..<end])) {
                data += slice.readableBytesView
            }
            offset = end
        }
        try decoder.finish()
        return (data, decoder.trailers)
    }

    @Test func awsSignedExampleDecodesAndVerifiesInAnyCutting() throws {
        for piece in [1, 7, 4096, 70_000] {
            let decoded = try decode(signedBody(), piece: piece, signing: signing())
            #expect(decoded.data.count == 66560)
            #expect(decoded.data.allSatisfy { $0 == UInt8(ascii: "a") })
        }
    }

    @Test func aWrongChunkSignatureIsRefused() throws {
        var signatures = Self.chunkSignatures
        signatures[1] = String(signatures[1].reversed())
        #expect(throws: AWSChunkedDecoder.Failure.signature) {
            try decode(signedBody(signatures: signatures), piece: 4096, signing: signing())
        }
    }

    @Test func unsignedChunksCarryTheirTrailers() throws {
        let body = Array("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n".utf8)
        let decoded = try decode(body, piece: 3)
        #expect(decoded.data == Array("hello world".utf8))
        #expect(decoded.trailers == ["x-amz-checksum-crc32": "DUoRhQ=="])
        // A body that stops after the trailer without its final empty line is accepted, as SDKs send it.
        let short = Array("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n".utf8)
        #expect(try decode(short, piece: 64).trailers["x-amz-checksum-crc32"] == "NhCmhg==")
    }

    @Test func malformedFramingIsRefused() {
        for body in [
            "zz\r\nhello\r\n0\r\n\r\n", "5\r\nhello world\r\n0\r\n\r\n", "5\r\nhel", "5\r\nhello\r\n",
            "0\r\n\r\nextra", String(repeating: "1", count: 5000) + "\r\n",
        ] {
            #expect(throws: AWSChunkedDecoder.Failure.self, "\(body.prefix(30))") {
                try decode(Array(body.utf8), piece: 16)
            }
        }
        // A signed body's chunk without a signature.
        #expect(throws: AWSChunkedDecoder.Failure.self) {
            try decode(Array("5\r\nhello\r\n0\r\n\r\n".utf8), piece: 16, signing: signing())
        }
    }

    @Test func checksumsMatchTheirCheckValues() {
        // The check values of the CRC catalogue: each CRC of "123456789".
        let input = Array("123456789".utf8)
        var crc32 = CRC.crc32
        var crc32c = CRC.crc32c
        var crc64 = CRC64()
        input.withUnsafeBytes {
            crc32.update($0)
            crc32c.update($0)
            crc64.update($0)
        }
        #expect(crc32.checksum == 0xCBF4_3926)
        #expect(crc32c.checksum == 0xE306_9283)
        #expect(crc64.checksum == 0xAE8B_1486_0A79_9888)

        // Eight bytes a step gives what a byte a step gives, at every length, alignment and split.
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        for (start, count, split) in [(0, 1000, 500), (3, 997, 1), (1, 7, 3), (5, 64, 13), (0, 0, 0)] {
            var (whole32, whole32c, whole64) = (CRC.crc32, CRC.crc32c, CRC64())
            var (parts32, parts32c, parts64) = (CRC.crc32, CRC.crc32c, CRC64())
            data.withUnsafeBytes { bytes in
                let range = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)])
                for byte in range {
                    withUnsafeBytes(of: byte) {
                        whole32.update($0)
                        whole32c.update($0)
                        whole64.update($0)
                    }
                }
                for part in [range[..<split], range[split...]] {
                    let part = UnsafeRawBufferPointer(rebasing: part)
                    parts32.update(part)
                    parts32c.update(part)
                    parts64.update(part)
                }
            }
            #expect(parts32.checksum == whole32.checksum && parts32c.checksum == whole32c.checksum)
            #expect(parts64.checksum == whole64.checksum)
        }

        var checks = BodyChecks()
        checks.expected[.crc32] = "DUoRhQ=="
        checks.expected[.sha256] = "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="
        checks.update(ByteBuffer(bytes: Array("hello world".utf8)))
        #expect(
            (try? checks.finish().get()) == [
                .crc32: "DUoRhQ==", .sha256: "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
            ])
        var wrong = BodyChecks()
        wrong.expected[.crc32c] = "AAAAAA=="
        wrong.update(ByteBuffer(bytes: Array("hello world".utf8)))
        guard case .failure(let error) = wrong.finish() else {
            Issue.record("a wrong CRC32C was accepted")
            return
        }
        #expect(error.code == "BadDigest")
    }
}
