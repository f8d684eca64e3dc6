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
    /// Lines and payloads going out, in order (made once the channel is known).
    private var writer: FrameWriter?
    /// Where the chunks of the payload in progress go.
    private var feed: PayloadFeed?

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

    func handlerAdded(context: ChannelHandlerContext) {
        writer = FrameWriter(channel: context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A payload cut short: its request sees the connection close and leaves nothing behind.
        feed?.fail(ChannelError.eof)
        feed = nil
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
        let processor = self.processor
        while let action = state.nextFrame(takesPayload: { processor.payloadLimit(of: $0) != nil }) {
            switch action {
            case .serve(let message, let payloadLength):
                serve(message, payloadLength: payloadLength, context: context)
            case .serveWithPayload(let message, let length):
                serve(message, payloadOf: length, context: context)
            case .payloadChunk(let chunk):
                if let feed, !feed.yield(chunk) { state.pausePayload() }
            case .payloadEnd:
                feed?.finish()
                feed = nil
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
            let reply = await processor.respond(to: message, payloadLength: payloadLength)
            bound.eventLoop.execute {
                bound.value.handler.finished(reply, context: bound.value.context)
            }
        }
    }

    /// Starts a request whose payload is arriving; its chunks are fed to it as they are decoded.
    private func serve(_ message: JSONValue, payloadOf length: Int, context: ChannelHandlerContext) {
        state.started()
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let (feed, payload) = PayloadFeed.make(length: length) {
            bound.eventLoop.execute {
                let handler = bound.value.handler
                handler.perform(handler.state.resumePayload(), context: bound.value.context)
            }
        }
        self.feed = feed
        let processor = self.processor
        Task {
            let reply = await processor.respond(to: message, payload: payload)
            bound.eventLoop.execute {
                bound.value.handler.finished(reply, context: bound.value.context)
            }
        }
    }

    private func finished(_ reply: RequestProcessor.Reply?, context: ChannelHandlerContext) {
        guard let reply else {
            perform(state.finished(), context: context)
            return
        }
        guard let payload = reply.payload, context.channel.isActive, let writer else {
            write(reply.line, context: context)
            scheduleFlush(context: context)
            perform(state.finished(), context: context)
            return
        }
        // In flight until its payload's last byte is written: a drain waits for it.
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        writer.write(line: reply.line, payload: payload).whenComplete { result in
            if case .failure(let error) = result {
                bound.value.handler.logger.warning(
                    "a response's payload could not be sent; the connection is closed",
                    metadata: ["iaas.error": "\(error)"])
            }
            bound.value.handler.perform(bound.value.handler.state.finished(), context: bound.value.context)
        }
    }

    private func write(_ response: [UInt8], context: ChannelHandlerContext) {
        guard context.channel.isActive, let writer else { return }
        writer.write(line: response)
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
