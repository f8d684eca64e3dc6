import API
import Logging
import NIOCore
import Services

/// Serves the requests of one connection, on its event loop, doing what its `ConnectionStateMachine` says.
///
/// A request whose method never blocks is answered right here, where it was read; any other runs in a task
/// and its response is written when it is ready, so responses may go out of order. The connection reads only
/// while it may act on what it reads: it holds the pipeline's `read()` while `maxInFlight` requests run, while
/// the peer is not reading its answers (the channel is not writable), and while draining. Responses written
/// together are flushed together. A connection idle for the idle timeout with nothing in flight is closed.
final class RPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Asks the connection to close once the requests it has in flight are answered (graceful shutdown).
    struct Drain {}

    private let processor: RequestProcessor
    private let logger: Logger
    private var state: ConnectionStateMachine
    private var unflushed = false
    private var flushScheduled = false

    init(processor: RequestProcessor, limits: FrameLimits, maxInFlight: Int, logger: Logger) {
        self.processor = processor
        self.logger = logger
        state = ConnectionStateMachine(limits: limits, maxInFlight: maxInFlight)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        state.bytesRead(unwrapInboundIn(data))
        decode(context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let action = state.writabilityChanged(context.channel.isWritable)
        perform(action, context: context)
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if state.readRequested() { context.read() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.closed()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is Drain:
            perform(state.drain(), context: context)
        case is IdleStateHandler.IdleStateEvent:
            // No traffic for the idle timeout: a client that connected and went silent, or stalled mid-line,
            // gives its descriptor back. One waiting on a slow request of its own is left alone.
            perform(state.idle(), context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Acts on buffered frames until the state machine says to wait.
    private func decode(context: ChannelHandlerContext) {
        while let action = state.nextFrame() {
            switch action {
            case .serve(let message, let payloadLength):
                serve(message, payloadLength: payloadLength, context: context)
            case .answer(let error):
                write(RPCMessage.error(id: nil, error), context: context)
            case .answerAndClose(let error):
                logger.warning("closing a connection that broke framing", metadata: ["iaas.error": "\(error)"])
                write(RPCMessage.error(id: nil, error), context: context)
                flushIfNeeded(context: context)
                context.close(promise: nil)
                return
            }
            // Writes update writability at once; the state machine learns it before the next frame, so a
            // peer that does not read gets no more answers queued than the water mark allows.
            if !context.channel.isWritable { _ = state.writabilityChanged(false) }
        }
    }

    private func perform(_ action: ConnectionStateMachine.ResumeAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .resume(let passRead):
            decode(context: context)
            scheduleFlush(context: context)
            if passRead { context.read() }
        case .close:
            flushIfNeeded(context: context)
            context.close(promise: nil)
        }
    }

    private func serve(_ message: JSONValue, payloadLength: Int?, context: ChannelHandlerContext) {
        if payloadLength == nil, case .answered(let response) = processor.respondInline(to: message) {
            if let response { write(response, context: context) }
            return
        }
        state.started()
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
        if let response { write(response, context: context) }
        scheduleFlush(context: context)
        perform(state.finished(), context: context)
    }

    private func write(_ response: [UInt8], context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
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
