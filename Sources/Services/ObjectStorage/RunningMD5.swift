import API
import Crypto

/// A body's MD5 (S3's ETag) computed off the event loops, one buffer at a time and in order, while the
/// next buffer is received and the previous one written: MD5 runs at ~700 MB/s on one core, the slowest
/// step of a large put. Used by one task at a time.
final class RunningMD5: @unchecked Sendable {
    private var hasher = Insecure.MD5()
    private var pending: Task<Void, Never>?
    static let inlineLimit = 64 << 10

    /// Waits for the previous buffer's update, then starts this one's in the background.
    func update(_ chunks: [PayloadChunk]) async {
        await pending?.value
        pending = nil
        // A small body (most puts) is hashed in place: a hop to another thread would cost more.
        guard chunks.reduce(0, { $0 + $1.count }) > Self.inlineLimit else {
            absorb(chunks)
            return
        }
        pending = Task { await BlockingIO.run { self.absorb(chunks) } }
    }

    private func absorb(_ chunks: [PayloadChunk]) {
        for chunk in chunks { chunk.withUnsafeBytes { pointer in hasher.update(bufferPointer: pointer) } }
    }

    /// The digest of every buffer given, once their updates are done.
    func finalize() async -> [UInt8] {
        await pending?.value
        pending = nil
        return Array(hasher.finalize())
    }
}
