import NIOCore

/// The framing rules of the wire, one frame at a time: newline-delimited JSON messages, and the raw bytes
/// that follow a message announcing a binary payload (`{"$bytes": N}`).
///
/// A pure value with no channel: the server pulls one frame whenever it is ready for one (so it never decodes
/// past its back-pressure limits), and `FrameDecoder` wraps it for the client's pipeline.
///
/// The one rule that keeps the stream safe: the N bytes after a line that announces a payload are payload,
/// whatever else is wrong with the line. A refused payload (a batch carrying one) is consumed and dropped
/// before the refusal is reported. When N cannot be known (two markers, a count that is not a non-negative
/// integer, a count over the limit, a line that does not parse but mentions `$`), framing is lost: the
/// frame is `.fatal`, and nothing after it is ever decoded, so no payload byte is read as a message.
public struct FrameParser: Sendable {
    private enum State: Sendable {
        case lines
        /// Payload bytes of an accepted message, handed up as chunks.
        case payload(remaining: Int)
        /// Payload bytes of a refused message: dropped, then the refusal is reported.
        case discarding(remaining: Int, then: RPCErrorObject)
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

    /// Takes the next frame out of `buffer`, or returns nil when more bytes are needed.
    ///
    /// Consumes exactly the bytes of the frame it returns (and of any blank lines or discarded payload
    /// before it), so a caller may stop pulling at any frame and resume later with the rest.
    public mutating func next(from buffer: inout ByteBuffer) -> InboundFrame? {
        while true {
            switch state {
            case .broken:
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                return nil
            case .payload(let remaining):
                if remaining == 0 {
                    state = .lines
                    return .payloadEnd
                }
                guard buffer.readableBytes > 0 else { return nil }
                let count = min(remaining, buffer.readableBytes)
                state = .payload(remaining: remaining - count)
                return .payloadChunk(buffer.readSlice(length: count)!)
            case .discarding(let remaining, let error):
                let count = min(remaining, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: count)
                guard count == remaining else {
                    state = .discarding(remaining: remaining - count, then: error)
                    return nil
                }
                state = .lines
                return .malformed(error)
            case .lines:
                guard let line = nextLine(from: &buffer) else { return nil }
                switch line {
                case .frame(let frame): return frame
                case .blank: continue
                }
            }
        }
    }

    private enum Line {
        case frame(InboundFrame)
        case blank
    }

    private mutating func nextLine(from buffer: inout ByteBuffer) -> Line? {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            guard view.count <= limits.maxLineBytes else { return .frame(breakFraming(oversized())) }
            return nil
        }
        scanned = 0
        let length = newline - view.startIndex
        guard length <= limits.maxLineBytes else { return .frame(breakFraming(oversized())) }
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        return parse(line)
    }

    private mutating func parse(_ line: ByteBuffer) -> Line {
        let bytes = line.readableBytesView
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: limits.maxDepth)
        } catch {
            let message = "Parse error at byte \(error.offset): \(error.message)."
            // A line that does not parse may still have announced a payload whose size cannot be read; the
            // bytes after it cannot be told from messages. `$bytes` needs a `$`, literal or escaped.
            if Self.mayAnnouncePayload(bytes) {
                return .frame(
                    breakFraming(
                        .parseError(message + " The line may announce a binary payload; the connection is closed.")))
            }
            return .frame(.malformed(.parseError(message)))
        }
        let payloadLength: Int?
        do {
            payloadLength = try PayloadMarker.find(in: value)
        } catch {
            return .frame(breakFraming(.invalidRequest(error.message + " The connection is closed.")))
        }
        guard let payloadLength else { return .frame(.message(value, payloadLength: nil)) }
        guard payloadLength <= limits.maxPayloadBytes else {
            return .frame(
                breakFraming(
                    .invalidRequest(
                        "The payload of \(payloadLength) bytes exceeds the limit of \(limits.maxPayloadBytes) bytes; the connection is closed."
                    )))
        }
        if case .array = value {
            let refusal = RPCErrorObject.invalidRequest(
                "A batch cannot carry a \"$bytes\" payload; send it alone. Its \(payloadLength) bytes were discarded.")
            state = .discarding(remaining: payloadLength, then: refusal)
            return .blank
        }
        state = .payload(remaining: payloadLength)
        return .frame(.message(value, payloadLength: payloadLength))
    }

    private mutating func breakFraming(_ error: RPCErrorObject) -> InboundFrame {
        state = .broken
        return .fatal(error)
    }

    private func oversized() -> RPCErrorObject {
        .invalidRequest("A JSON line may be at most \(limits.maxLineBytes) bytes; the connection is closed.")
    }

    /// Whether an unparsable line contains a `$`, literally or as a `\u0024` escape.
    static func mayAnnouncePayload(_ bytes: ByteBufferView) -> Bool {
        if bytes.contains(UInt8(ascii: "$")) { return true }
        let lowered = bytes.map { $0 | 0x20 }  // ASCII letters to lower case; the digits stay digits
        let escape = Array(#"\u0024"#.utf8).map { $0 | 0x20 }
        guard lowered.count >= escape.count else { return false }
        for start in 0...(lowered.count - escape.count) where lowered[start] == escape[0] {
            if lowered[start..<start + escape.count].elementsEqual(escape) { return true }
        }
        return false
    }
}
