import NIOCore

/// What goes out on one connection, in order: JSON lines, and lines followed by their payload, never
/// interleaved. Lives on the connection's event loop.
///
/// A payload is pulled from its source one chunk at a time, and the next chunk is read only once the last
/// has left for the socket, so a peer that does not read holds at most one chunk of it in memory. Lines
/// that are ready while a payload is going out wait for its last byte.
public final class FrameWriter {
    private let channel: any Channel
    private var queue = CircularBuffer<Item>()
    private var sendingPayload = false

    private enum Item {
        case line(ByteBuffer)
        case payload(line: ByteBuffer, source: PayloadSource, promise: EventLoopPromise<Void>)
    }

    public init(channel: any Channel) {
        self.channel = channel
    }

    /// Writes a line (a newline is added). The caller flushes.
    public func write(line: [UInt8]) {
        let buffer = Self.buffer(line, allocator: channel.allocator)
        if sendingPayload {
            queue.append(.line(buffer))
        } else {
            channel.write(buffer, promise: nil)
        }
    }

    /// Writes a line and then its payload, flushed. The future succeeds once the last byte is written;
    /// it fails if the source failed or came up short (the connection is then closed: the peer was told
    /// more bytes than it can get) or the connection went away.
    public func write(line: [UInt8], payload: PayloadSource) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let buffer = Self.buffer(line, allocator: channel.allocator)
        if sendingPayload {
            queue.append(.payload(line: buffer, source: payload, promise: promise))
        } else {
            start(line: buffer, source: payload, promise: promise)
        }
        return promise.futureResult
    }

    private func start(line: ByteBuffer, source: PayloadSource, promise: EventLoopPromise<Void>) {
        sendingPayload = true
        channel.write(line, promise: nil)
        pump(source, offset: 0, promise: promise)
    }

    private func pump(_ source: PayloadSource, offset: Int, promise: EventLoopPromise<Void>) {
        guard offset < source.length else {
            channel.flush()
            promise.succeed()
            sendingPayload = false
            drainQueue()
            return
        }
        let loop = channel.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let wanted = min(PayloadSource.chunkSize, source.length - offset)
        Task {
            do {
                let chunk = try await source.read(at: offset, maxCount: wanted)
                guard chunk.count > 0, chunk.count <= wanted else {
                    throw PayloadError.sourceMismatch(offset: offset, length: source.length)
                }
                loop.execute {
                    bound.value.channel.writeAndFlush(chunk.buffer).hop(to: loop).whenComplete { result in
                        switch result {
                        case .success: bound.value.pump(source, offset: offset + chunk.count, promise: promise)
                        case .failure(let error): bound.value.fail(promise, error)
                        }
                    }
                }
            } catch {
                loop.execute { bound.value.fail(promise, error) }
            }
        }
    }

    /// A payload that cannot be completed: nothing after it can be framed, so the connection closes.
    private func fail(_ promise: EventLoopPromise<Void>, _ error: any Error) {
        promise.fail(error)
        channel.close(promise: nil)
        for item in queue {
            if case .payload(_, _, let waiting) = item { waiting.fail(error) }
        }
        queue.removeAll()
    }

    private func drainQueue() {
        while !sendingPayload, let item = queue.popFirst() {
            switch item {
            case .line(let buffer): channel.write(buffer, promise: nil)
            case .payload(let line, let source, let promise): start(line: line, source: source, promise: promise)
            }
        }
        channel.flush()
    }

    private static func buffer(_ line: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: line.count + 1)
        buffer.writeBytes(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}
