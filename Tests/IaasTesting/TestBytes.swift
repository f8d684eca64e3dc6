import Foundation

/// Large test bodies, made with memcpy: a debug build's byte-by-byte `map` costs tens of nanoseconds a
/// byte, so a 70 MiB body held one of the test run's two cooperative threads for seconds and stalled every
/// other test meanwhile.
///
/// The byte at position p: the first 8 bytes of each 4 KiB block are the block's number mixed with the
/// seed; the rest repeat a fixed 4 KiB block. So no two blocks (and no two blobs) of a body are equal, and
/// two seeds give two bodies.
public enum TestBytes {
    static let block = 4096
    static let base: [UInt8] = (0..<block).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }

    /// `count` bytes of the pattern.
    public static func pattern(_ count: Int, seed: UInt64 = 0) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer), at: 0, seed: seed)
            initialized = count
        }
    }

    /// Fills `buffer` with the pattern's bytes from position `offset` on.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int, seed: UInt64 = 0) {
        var written = 0
        while written < buffer.count {
            let position = offset + written
            let within = position % block
            let take = min(block - within, buffer.count - written)
            var header = (UInt64(position / block) &+ 1) &* 0x9E37_79B9_7F4A_7C15 ^ seed
            base.withUnsafeBytes { source in
                (buffer.baseAddress! + written).copyMemory(from: source.baseAddress! + within, byteCount: take)
            }
            withUnsafeBytes(of: &header) { headerBytes in
                for index in within..<min(8, within + take) {
                    buffer[written + index - within] = headerBytes[index]
                }
            }
            written += take
        }
    }
}
