import NIOCore

/// What the frame reader hands up: whole JSON messages, and the raw bytes that follow a message carrying
/// the binary payload extension (`{"$bytes": N}`), streamed in chunks and closed by `payloadEnd`.
public enum InboundFrame: Sendable {
    /// A parsed message; when `payloadLength` is not nil exactly that many bytes follow as
    /// `payloadChunk`s, then `payloadEnd`.
    case message(JSONValue, payloadLength: Int?)
    case payloadChunk(ByteBuffer)
    case payloadEnd
    /// A line that is not a valid message; the connection can go on.
    case malformed(RPCErrorObject)
    /// The peer broke framing (oversized line or payload); answer and close: the stream cannot be resynchronized.
    case fatal(RPCErrorObject)
}

/// Limits on what a peer may send.
public struct FrameLimits: Sendable {
    /// Longest JSON line, newline excluded: 4 MiB, so the largest SQS message or batch (1 MiB of text) fits
    /// however a client escapes it (at most 3 bytes of JSON per byte of text, for `\\u` surrogate pairs).
    public var maxLineBytes: Int
    /// Largest binary payload of any action (each action may allow less).
    public var maxPayloadBytes: Int
    /// Deepest JSON nesting.
    public var maxDepth: Int

    public init(maxLineBytes: Int = 4 << 20, maxPayloadBytes: Int = 5 << 30, maxDepth: Int = JSONParser.defaultMaxDepth)
    {
        self.maxLineBytes = maxLineBytes
        self.maxPayloadBytes = maxPayloadBytes
        self.maxDepth = maxDepth
    }
}
