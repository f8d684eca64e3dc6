import NIOCore

/// A piece of a binary payload (an S3 body, a snapshot block), as it came off or goes onto the socket.
/// It wraps the connection's buffer, so bytes are not copied between the socket and a file.
public struct PayloadChunk: Sendable {
    public let buffer: ByteBuffer

    init(buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// A chunk holding a copy of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        buffer = ByteBuffer(bytes: bytes)
    }

    /// A chunk of `count` bytes that `fill` writes in place (from a file read, say); `fill` returns how many
    /// it wrote, which may be fewer.
    public init(capacity count: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        _ = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
            try fill(UnsafeMutableRawBufferPointer(rebasing: pointer.prefix(count)))
        }
        self.buffer = buffer
    }

    public var count: Int { buffer.readableBytes }

    /// The chunk's bytes, valid only inside `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeReadableBytes(body)
    }

    /// The bytes at `range` (counted from the chunk's start) as a chunk of their own, without a copy.
    public func slice(_ range: Range<Int>) -> PayloadChunk {
        PayloadChunk(buffer: buffer.getSlice(at: buffer.readerIndex + range.lowerBound, length: range.count)!)
    }

    /// A copy of the bytes.
    public var bytes: [UInt8] { Array(buffer.readableBytesView) }
}
