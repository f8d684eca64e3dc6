import API
import Logging
import NIOCore
import Services

/// Serves the requests of one connection, on its event loop.
///
/// A request whose method never blocks is answered right here, where it was read; any other runs in a task
/// and its response is written when it is ready, so responses may go out of order. Past
/// `maxInFlight` requests the connection stops reading until some finish (back-pressure). Responses written
/// together are flushed together. A connection idle for the idle timeout with nothing in flight is closed.
final class RPCConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = InboundFrame
    typealias OutboundOut = ByteBuffer

    /// Asks the connection to close once the requests it has in flight are answered (graceful shutdown).
    struct Drain {}

    private let processor: RequestProcessor
    private let maxInFlight: Int
    private let logger: Logger
    private var inFlight = 0
    private var draining = false
    private var readingPaused = false
    private var unflushed = false
    private var flushScheduled = false
    private var pendingPayload: (message: JSONValue, length: Int)?

    init(processor: RequestProcessor, maxInFlight: Int, logger: Logger) {
        self.processor = processor
        self.maxInFlight = maxInFlight
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .message(let message, payloadLength: nil):
            serve(message, payloadLength: nil, context: context)
        case .message(let message, payloadLength: let length?):
            pendingPayload = (message, length)
        case .payloadChunk:
            // No current method takes a payload; its bytes are read and dropped so framing holds.
            break
        case .payloadEnd:
            guard let (message, length) = pendingPayload else { return }
            pendingPayload = nil
            serve(message, payloadLength: length, context: context)
        case .malformed(let error):
            write(RPCMessage.error(id: nil, error), context: context)
        case .fatal(let error):
            logger.warning("closing a connection that broke framing", metadata: ["iaas.error": "\(error)"])
            write(RPCMessage.error(id: nil, error), context: context)
            context.flush()
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is Drain:
            draining = true
            if inFlight == 0 { context.close(promise: nil) }
        case is IdleStateHandler.IdleStateEvent:
            // No traffic for the idle timeout: a client that connected and went silent, or stalled mid-line,
            // gives its descriptor back. One waiting on a slow request of its own is left alone.
            if inFlight == 0 { context.close(promise: nil) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func serve(_ message: JSONValue, payloadLength: Int?, context: ChannelHandlerContext) {
        if payloadLength == nil, case .answered(let response) = processor.respondInline(to: message) {
            if let response { write(response, context: context) }
            return
        }
        inFlight += 1
        if inFlight >= maxInFlight, !readingPaused {
            readingPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
        let processor = self.processor
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        Task {
            let response = await processor.respond(to: message, payloadLength: payloadLength)
            bound.eventLoop.execute {
                bound.value.handler.finished(response, context: bound.value.context)
            }
        }
    }

    private func finished(_ response: [UInt8]?, context: ChannelHandlerContext) {
        inFlight -= 1
        if let response { write(response, context: context) }
        scheduleFlush(context: context)
        if readingPaused, inFlight < maxInFlight / 2 {
            readingPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
        if draining, inFlight == 0 {
            flushIfNeeded(context: context)
            context.close(promise: nil)
        }
    }

    private func write(_ response: [UInt8], context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: response.count + 1)
        buffer.writeBytes(response)
        buffer.writeInteger(UInt8(ascii: "\n"))
        context.write(wrapOutboundOut(buffer), promise: nil)
        unflushed = true
    }

    /// Flushes once per event-loop turn, so responses that finish together leave in one write.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            bound.value.handler.flushScheduled = false
            bound.value.handler.flushIfNeeded(context: bound.value.context)
        }
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["iaas.error": "\(error)"])
        context.close(promise: nil)
    }
}
