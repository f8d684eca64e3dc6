import NIOCore

/// `FrameParser` as a pipeline stage, for the client: every frame the bytes hold is handed up as it arrives.
///
/// It never buffers more than one line (bounded by `FrameLimits.maxLineBytes`) and hands payload bytes up as
/// they arrive, so a 5 GiB body streams through in constant memory. The server does not use it: it pulls
/// frames from a `FrameParser` itself, so that it can stop decoding under back-pressure.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = InboundFrame

    private var parser: FrameParser

    public init(limits: FrameLimits = FrameLimits()) {
        parser = FrameParser(limits: limits)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        // Pulls until the parser needs bytes: the end of a payload is a frame that takes no byte, which the
        // handler would not ask for once the buffer is empty.
        while let frame = parser.next(from: &buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
        }
        return .needMoreData
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        // `decode` has taken every whole frame; a partial line or payload at EOF is a request the peer
        // abandoned: it is dropped, never acted on.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
