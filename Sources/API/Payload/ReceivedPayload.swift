import NIOCore

/// A payload being received: its chunks in order, as they come off the socket. Reading slowly slows the
/// sender: while chunks wait unread, the connection stops reading its socket.
///
/// A payload whose connection closes before its last byte ends with `PayloadError.incomplete`; one that
/// is dropped unread is still consumed by the connection (and thrown away), so framing holds.
public struct ReceivedPayload: AsyncSequence, Sendable {
    public typealias Element = PayloadChunk
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        PayloadChunk, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, PayloadFeed.Demand
    >

    /// The announced length in bytes.
    public let length: Int
    let producer: Producer
    /// What the front verified of the payload, once it has ended.
    public let trailers: PayloadTrailers

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator
        let length: Int
        var received = 0

        public mutating func next() async throws -> PayloadChunk? {
            let next: PayloadChunk?
            do {
                next = try await base.next()
            } catch {
                // The connection closed mid-payload.
                throw PayloadError.incomplete(received: received, expected: length)
            }
            guard let chunk = next else {
                guard received == length else { throw PayloadError.incomplete(received: received, expected: length) }
                return nil
            }
            received += chunk.count
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator(), length: length)
    }

    /// The whole payload in memory; for bodies known to be small.
    ///
    /// - Throws: `PayloadError.tooLarge` beyond `limit` bytes (the rest is still consumed by the connection).
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        guard length <= limit else { throw PayloadError.tooLarge(length: length, limit: limit) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for try await chunk in self { bytes += chunk.buffer.readableBytesView }
        return bytes
    }
}

public enum PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection closed after `received` of the `expected` bytes.
    case incomplete(received: Int, expected: Int)
    case tooLarge(length: Int, limit: Int)
    /// A source gave fewer or more bytes than it announced.
    case sourceMismatch(offset: Int, length: Int)

    public var description: String {
        switch self {
        case .incomplete(let received, let expected):
            "the connection closed after \(received) of the \(expected) bytes of the payload"
        case .tooLarge(let length, let limit): "a payload of \(length) bytes is over the limit of \(limit)"
        case .sourceMismatch(let offset, let length):
            "the payload's source gave no more bytes at \(offset) of the \(length) it announced"
        }
    }
}
