import API
@preconcurrency import Crypto
import Foundation
import NIOCore

/// The checksums SDKs send with a body (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`, `-sha1`, `-sha256`, in
/// a header or an aws-chunked trailer, base64) and the payload hash of SigV4 (`x-amz-content-sha256`, hex),
/// computed as the body streams in and compared at its end.
struct BodyChecks: Sendable {
    enum Algorithm: String, CaseIterable, Sendable {
        case crc32, crc32c, crc64nvme, sha1, sha256

        var header: String { "x-amz-checksum-\(rawValue)" }
    }

    /// The declared `x-amz-checksum-*` (base64), and the signed payload's SHA-256 (hex).
    var expected: [Algorithm: String] = [:]
    var payloadSHA256: String?

    private var crc32 = CRC.crc32
    private var crc32c = CRC.crc32c
    private var crc64 = CRC64()
    private var sha1 = Insecure.SHA1()
    private var sha256 = SHA256()

    /// A checksum named by `x-amz-sdk-checksum-algorithm` or `x-amz-trailer` that will come in the trailer.
    var trailing: Algorithm?

    var isEmpty: Bool { expected.isEmpty && payloadSHA256 == nil && trailing == nil }

    mutating func update(_ buffer: ByteBuffer) {
        guard !isEmpty else { return }
        buffer.withUnsafeReadableBytes { bytes in
            let wanted = Set(expected.keys).union(trailing.map { [$0] } ?? [])
            if wanted.contains(.crc32) { crc32.update(bytes) }
            if wanted.contains(.crc32c) { crc32c.update(bytes) }
            if wanted.contains(.crc64nvme) { crc64.update(bytes) }
            if wanted.contains(.sha1) { sha1.update(bufferPointer: bytes) }
            if wanted.contains(.sha256) || payloadSHA256 != nil { sha256.update(bufferPointer: bytes) }
        }
    }

    /// The first mismatch at the body's end, as S3 reports it; the computed checksums otherwise.
    func finish() -> Result<[Algorithm: String], CloudError> {
        let digest = sha256.finalize()
        if let payloadSHA256, CanonicalRequest.hex(digest) != payloadSHA256.lowercased() {
            return .failure(
                CloudError(
                    code: "XAmzContentSHA256Mismatch",
                    message: "The provided 'x-amz-content-sha256' header does not match what was computed."))
        }
        var computed: [Algorithm: String] = [:]
        for algorithm in Set(expected.keys).union(trailing.map { [$0] } ?? []) {
            let bytes: [UInt8] =
                switch algorithm {
                case .crc32: crc32.bigEndianBytes
                case .crc32c: crc32c.bigEndianBytes
                case .crc64nvme: crc64.bigEndianBytes
                case .sha1: Array(sha1.finalize())
                case .sha256: Array(digest)
                }
            computed[algorithm] = Data(bytes).base64EncodedString()
        }
        for (algorithm, value) in expected where computed[algorithm] != value {
            return .failure(
                CloudError(
                    code: "BadDigest",
                    message: "The \(algorithm.header) you specified did not match the calculated checksum."))
        }
        return .success(computed)
    }
}

/// A reflected 32-bit CRC: CRC-32 (zlib's) and CRC-32C (Castagnoli), eight bytes a step ("slicing by
/// 8": eight tables, each a byte's effect one to eight positions on), about five times a byte-wise table's
/// speed. Every PUT an SDK sends carries one of these, computed on the event loop as the body arrives.
struct CRC: Sendable {
    static let crc32 = CRC(polynomial: 0xEDB8_8320)
    static let crc32c = CRC(polynomial: 0x82F6_3B78)

    /// `tables[k * 256 + byte]`: table k is a byte's CRC followed by k zero bytes.
    private let tables: [UInt32]
    private var value: UInt32 = 0xFFFF_FFFF

    init(polynomial: UInt32) {
        tables = slicingTables(polynomial: polynomial)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var crc = value
        tables.withUnsafeBufferPointer { table in
            var offset = 0
            while offset + 8 <= bytes.count {
                let low = crc ^ UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                let high = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                crc =
                    table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                offset += 8
            }
            crc = bytewise(crc, bytes[offset...], table)
        }
        value = crc
    }

    var checksum: UInt32 { value ^ 0xFFFF_FFFF }
    var bigEndianBytes: [UInt8] { withUnsafeBytes(of: checksum.bigEndian) { Array($0) } }
}

/// CRC-64/NVME, the reflected 64-bit CRC that S3 calls CRC64NVME, eight bytes a step like `CRC`.
struct CRC64: Sendable {
    private static let tables: [UInt64] = slicingTables(polynomial: 0x9A6C_9329_AC4B_C9B5)

    private var value: UInt64 = ~0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var crc = value
        Self.tables.withUnsafeBufferPointer { table in
            var offset = 0
            while offset + 8 <= bytes.count {
                let word = crc ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                var next: UInt64 = 0
                for slice in 0..<8 {
                    next ^= table[(7 - slice) * 256 + Int((word >> (8 * UInt64(slice))) & 0xFF)]
                }
                crc = next
                offset += 8
            }
            crc = bytewise(crc, bytes[offset...], table)
        }
        value = crc
    }

    var checksum: UInt64 { ~value }
    var bigEndianBytes: [UInt8] { withUnsafeBytes(of: checksum.bigEndian) { Array($0) } }
}

/// The eight tables of a reflected CRC with this polynomial, one after another: `tables[k * 256 + byte]` is
/// the byte's CRC followed by k zero bytes (table 0 is the byte-wise table).
private func slicingTables<Value: FixedWidthInteger & UnsignedInteger>(polynomial: Value) -> [Value] {
    var tables = [Value](repeating: 0, count: 8 * 256)
    for index in 0..<256 {
        var entry = Value(index)
        for _ in 0..<8 { entry = entry & 1 == 1 ? (entry >> 1) ^ polynomial : entry >> 1 }
        tables[index] = entry
    }
    for slice in 1..<8 {
        for index in 0..<256 {
            let previous = tables[(slice - 1) * 256 + index]
            tables[slice * 256 + index] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
        }
    }
    return tables
}

/// A reflected CRC taken a byte at a time over `bytes` (the tail shorter than a step), with table 0.
@inline(__always)
private func bytewise<Value: FixedWidthInteger & UnsignedInteger>(
    _ crc: Value, _ bytes: Slice<UnsafeRawBufferPointer>, _ table: UnsafeBufferPointer<Value>
) -> Value {
    var crc = crc
    for byte in bytes { crc = table[Int(truncatingIfNeeded: (crc ^ Value(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc
}
