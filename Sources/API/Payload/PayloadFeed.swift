import NIOCore

/// The receiving connection's end of a `ReceivedPayload`, used on its event loop: it hands chunks in as
/// they are read and learns when to stop reading (the reader is behind) and when to go on.
public final class PayloadFeed: Sendable {
    private let source: ReceivedPayload.Producer.Source
    private let trailers: PayloadTrailers

    /// At most this many chunks wait unread before the connection stops reading; it reads again below
    /// `low`. A chunk is at most one socket read (64 KiB with NIO's default allocator).
    static let high = 8
    static let low = 2

    /// Calls the connection back (from any thread) when the reader wants more or went away.
    public struct Demand: NIOAsyncSequenceProducerDelegate {
        let resume: @Sendable () -> Void

        public func produceMore() { resume() }
        public func didTerminate() { resume() }
    }

    private init(source: ReceivedPayload.Producer.Source, trailers: PayloadTrailers) {
        self.source = source
        self.trailers = trailers
    }

    /// A feed and the payload it fills. `resume` is called, from any thread, when a paused connection may
    /// read again: the reader caught up, or stopped reading (the rest is then dropped).
    public static func make(length: Int, resume: @escaping @Sendable () -> Void) -> (PayloadFeed, ReceivedPayload) {
        let made = ReceivedPayload.Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: low, highWatermark: high), finishOnDeinit: false,
            delegate: Demand(resume: resume))
        let trailers = PayloadTrailers()
        return (
            PayloadFeed(source: made.source, trailers: trailers),
            ReceivedPayload(length: length, producer: made.sequence, trailers: trailers)
        )
    }

    /// Hands a chunk in; false when the connection must stop reading until `resume`.
    public func yield(_ buffer: ByteBuffer) -> Bool {
        switch source.yield(PayloadChunk(buffer: buffer)) {
        case .produceMore, .dropped: true
        case .stopProducing: false
        }
    }

    /// The last byte arrived, with what the front verified of the whole payload (lowercased names).
    public func finish(trailers: [String: String] = [:]) {
        if !trailers.isEmpty { self.trailers.set(trailers) }
        source.finish()
    }

    /// The connection closed before the last byte.
    public func fail(_ error: any Error) {
        source.finish(error)
    }
}
