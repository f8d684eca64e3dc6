import NIOCore

/// Splits a byte stream into newline-delimited JSON messages and the binary payloads that follow them.
///
/// Used on both ends of the socket. It never buffers more than one line (bounded by
/// `FrameLimits.maxLineBytes`) and hands payload bytes up as they arrive, so a 5 GiB body streams through
/// in constant memory.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = InboundFrame

    private enum State {
        case lines
        case payload(remaining: Int)
        /// Framing was lost; everything further is dropped until the connection closes.
        case broken
    }

    private let limits: FrameLimits
    private var state = State.lines
    /// How far into the buffered bytes the newline search has already looked.
    private var scanned = 0

    public init(limits: FrameLimits = FrameLimits()) {
        self.limits = limits
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        switch state {
        case .broken:
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return .needMoreData
        case .payload(let remaining):
            guard buffer.readableBytes > 0 else { return .needMoreData }
            let count = min(remaining, buffer.readableBytes)
            let chunk = buffer.readSlice(length: count)!
            context.fireChannelRead(wrapInboundOut(.payloadChunk(chunk)))
            if remaining == count {
                state = .lines
                context.fireChannelRead(wrapInboundOut(.payloadEnd))
            } else {
                state = .payload(remaining: remaining - count)
            }
            return .continue
        case .lines:
            return decodeLine(context: context, buffer: &buffer)
        }
    }

    private mutating func decodeLine(context: ChannelHandlerContext, buffer: inout ByteBuffer) -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if view.count > limits.maxLineBytes {
                state = .broken
                context.fireChannelRead(wrapInboundOut(.fatal(oversized())))
            }
            return .needMoreData
        }
        scanned = 0
        let length = newline - view.startIndex
        guard length <= limits.maxLineBytes else {
            state = .broken
            context.fireChannelRead(wrapInboundOut(.fatal(oversized())))
            return .needMoreData
        }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        guard let frame = parse(line) else { return .continue }
        context.fireChannelRead(wrapInboundOut(frame))
        if case .message(_, payloadLength: 0) = frame {
            // An empty payload has no chunks but still ends, so readers need not special-case it.
            context.fireChannelRead(wrapInboundOut(.payloadEnd))
        }
        return .continue
    }

    /// Parses one line; nil for a blank line.
    private mutating func parse(_ line: ByteBuffer) -> InboundFrame? {
        let bytes = line.readableBytesView
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: limits.maxDepth)
        } catch {
            return .malformed(.parseError("Parse error at byte \(error.offset): \(error.message)."))
        }
        let payloadLength: Int?
        do {
            payloadLength = try PayloadMarker.find(in: value)
        } catch {
            return .malformed(error)
        }
        if let payloadLength {
            if case .array = value {
                return .malformed(.invalidRequest("A batch cannot carry a \"$bytes\" payload; send it alone."))
            }
            guard payloadLength <= limits.maxPayloadBytes else {
                state = .broken
                return .fatal(
                    .invalidRequest(
                        "The payload of \(payloadLength) bytes exceeds the limit of \(limits.maxPayloadBytes) bytes.")
                )
            }
            state = payloadLength > 0 ? .payload(remaining: payloadLength) : .lines
        }
        return .message(value, payloadLength: payloadLength)
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        // A partial line or payload at EOF is a request the peer abandoned: it is dropped, never acted on.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }

    private func oversized() -> RPCErrorObject {
        .invalidRequest("A JSON line may be at most \(limits.maxLineBytes) bytes; the connection is closed.")
    }
}
