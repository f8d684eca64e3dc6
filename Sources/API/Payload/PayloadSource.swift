/// A payload to send: its length, announced before the first byte, and a function that reads it by offset.
/// The sender pulls `read(offset, maxCount)` until it has `length` bytes, one chunk at a time, waiting for
/// the peer between chunks, so a 5 GiB body goes out in constant memory. A read that fails or comes up
/// short after the length was announced breaks framing: the connection is closed, and the peer sees a
/// truncated payload.
public struct PayloadSource: Sendable {
    public let length: Int
    private let reader: @Sendable (_ offset: Int, _ maxCount: Int) async throws -> PayloadChunk

    public init(length: Int, read: @escaping @Sendable (_ offset: Int, _ maxCount: Int) async throws -> PayloadChunk) {
        self.length = length
        self.reader = read
    }

    /// The bytes at `offset`: at most `maxCount`, at least one while `offset < length`.
    public func read(at offset: Int, maxCount: Int) async throws -> PayloadChunk {
        try await reader(offset, maxCount)
    }

    /// A payload held in memory.
    public init(bytes: [UInt8]) {
        let chunk = PayloadChunk(bytes)
        self.init(length: bytes.count) { offset, maxCount in
            PayloadChunk(buffer: chunk.buffer.getSlice(at: offset, length: min(maxCount, bytes.count - offset))!)
        }
    }

    /// How much one `read` asks for.
    static let chunkSize = 256 << 10
}
