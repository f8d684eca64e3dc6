import NIOCore

/// Matches responses to the requests waiting for them, by id, on the channel's event loop.
final class ResponseRouter: ChannelInboundHandler {
    typealias InboundIn = InboundFrame

    private var pending: [Int: EventLoopPromise<JSONValue>] = [:]
    private var nextID = 1
    private var closed = false

    /// Registers a waiter and returns the id its request must carry; nil once the connection is gone.
    func register(_ promise: EventLoopPromise<JSONValue>) -> Int? {
        guard !closed else { return nil }
        let id = nextID
        nextID += 1
        pending[id] = promise
        return id
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .message(let message, _):
            deliver(message)
        case .payloadChunk, .payloadEnd:
            // No response of the current API carries a payload.
            break
        case .malformed(let error), .fatal(let error):
            failAll(IaasClientError.badResponse(error.message))
            context.close(promise: nil)
        }
    }

    private func deliver(_ message: JSONValue) {
        switch message {
        case .array(let responses):
            responses.forEach(deliver)
        default:
            guard let id = message["id"]?.intValue, let promise = pending.removeValue(forKey: id) else {
                failAll(IaasClientError.badResponse("a response with an unknown id"))
                return
            }
            promise.succeed(message)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
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
