import NIOCore

/// Matches responses to the requests waiting for them, by id, on the channel's event loop, and writes
/// the requests (through a `FrameWriter`, so a request's payload is never interleaved with other lines).
final class ResponseRouter: ChannelInboundHandler {
    typealias InboundIn = InboundFrame

    /// A response: its JSON, and the payload that follows it when it announced one.
    struct Response: Sendable {
        var message: JSONValue
        var payload: ReceivedPayload?
    }

    private var pending: [Int: EventLoopPromise<Response>] = [:]
    private var nextID = 1
    private var closed = false
    private(set) var writer: FrameWriter?
    /// Where the chunks of the response payload in progress go.
    private var feed: PayloadFeed?

    /// Registers a waiter and returns the id its request must carry; nil once the connection is gone.
    func register(_ promise: EventLoopPromise<Response>) -> Int? {
        guard !closed else { return nil }
        let id = nextID
        nextID += 1
        pending[id] = promise
        return id
    }

    private var channel: (any Channel)?

    func handlerAdded(context: ChannelHandlerContext) {
        channel = context.channel
        writer = FrameWriter(channel: context.channel)
    }

    /// Sends the lines written so far.
    func flush() {
        channel?.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .message(let message, nil):
            deliver(message, payload: nil)
        case .message(let message, let length?):
            // The caller reads the payload; while it is behind, the socket is not read.
            let channel = context.channel
            let (feed, payload) = PayloadFeed.make(length: length) {
                channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            }
            self.feed = feed
            deliver(message, payload: payload)
        case .payloadChunk(let chunk):
            if let feed, !feed.yield(chunk) {
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            }
        case .payloadEnd:
            feed?.finish()
            feed = nil
        case .malformed(let error), .fatal(let error):
            failAll(IaasClientError.badResponse(error.message))
            context.close(promise: nil)
        }
    }

    private func deliver(_ message: JSONValue, payload: ReceivedPayload?) {
        switch message {
        case .array(let responses):
            for response in responses { deliver(response, payload: nil) }
        default:
            guard let id = message["id"]?.intValue, let promise = pending.removeValue(forKey: id) else {
                failAll(IaasClientError.badResponse("a response with an unknown id"))
                return
            }
            promise.succeed(Response(message: message, payload: payload))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        feed?.fail(IaasClientError.connectionClosed)
        feed = nil
        failAll(IaasClientError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(IaasClientError.connectionClosed)
        context.close(promise: nil)
    }

    private func failAll(_ error: any Error) {
        let waiting = pending
        pending.removeAll()
        for promise in waiting.values { promise.fail(error) }
    }
}
