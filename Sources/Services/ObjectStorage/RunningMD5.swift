import API
import Crypto

/// A body's MD5 (S3's ETag) computed off the event loops, one buffer at a time and in order, while the
/// next buffer is received and the previous one written: MD5 runs at ~700 MB/s on one core, the slowest
/// step of a large put. Used by one task at a time.
final class RunningMD5: @unchecked Sendable {
    private var hasher = Insecure.MD5()
    private var pending: Task<Void, Never>?

    /// Waits for the previous buffer's update, then starts this one's in the background.
    func update(_ chunks: [PayloadChunk]) async {
        await pending?.value
        guard !chunks.isEmpty else {
            pending = nil
            return
        }
        pending = Task {
            await BlockingIO.run {
                for chunk in chunks { chunk.withUnsafeBytes { pointer in self.hasher.update(bufferPointer: pointer) } }
            }
        }
    }

    /// The digest of every buffer given, once their updates are done.
    func finalize() async -> [UInt8] {
        await pending?.value
        pending = nil
        return Array(hasher.finalize())
    }
}
