import API
import NIOCore

/// The state of one connection as a value: the handler feeds it events (bytes read, a request finished, the
/// channel's writability changed, a drain, an idle tick) and does what it answers. No I/O happens here, so
/// every path can be tested without a socket.
///
/// A connection decodes a frame only when it may act on it: while it is serving, has fewer than
/// `maxInFlight` requests running, and its channel is writable. Otherwise it stops asking the socket for
/// bytes, and what was already read waits undecoded (at most one read plus one unfinished line). So a
/// client that sends without reading, or floods requests, costs bounded memory.
struct ConnectionStateMachine {
    enum Lifecycle: Equatable {
        /// Reading and answering requests.
        case serving
        /// A graceful shutdown: answering the requests in flight, reading nothing new, then closing.
        case draining
        /// Closed or closing; nothing more is read or written.
        case closing
    }

    private(set) var lifecycle = Lifecycle.serving
    private(set) var inFlight = 0
    private(set) var writable = true
    /// A `read()` the pipeline asked for while paused, to be passed on once the pause ends.
    private(set) var readHeld = false
    private var parser: FrameParser
    private var buffered = ByteBuffer()
    private var pendingPayload: (message: JSONValue, length: Int)?
    /// A payload its method takes is arriving: its chunks go to the request, which is already running.
    private(set) var streamingPayload = false
    /// The request reading that payload is behind: nothing is read until it catches up.
    private(set) var payloadPaused = false
    let maxInFlight: Int

    init(limits: FrameLimits, maxInFlight: Int) {
        parser = FrameParser(limits: limits)
        self.maxInFlight = maxInFlight
    }

    /// Whether frames may be decoded and requests started now.
    var mayDecode: Bool { lifecycle == .serving && inFlight < maxInFlight && writable }

    /// Whether the socket may be read: a payload in progress belongs to a request already admitted, so it
    /// flows whatever the in-flight count or writability, as fast as that request reads it.
    var mayRead: Bool {
        streamingPayload ? lifecycle != .closing && !payloadPaused : mayDecode
    }

    /// Why the connection is not reading, for logs and tests; nil while it reads.
    var pauseReason: String? {
        switch lifecycle {
        case .draining: return "draining"
        case .closing: return "closing"
        case .serving:
            if streamingPayload && payloadPaused { return "paused for the payload's reader" }
            if streamingPayload { return nil }
            if !writable { return "paused for writability" }
            if inFlight >= maxInFlight { return "paused at the in-flight cap" }
            return nil
        }
    }

    /// Bytes read and not yet decoded.
    var bufferedBytes: Int { buffered.readableBytes }

    // MARK: - Events

    /// Bytes arrived from the socket; they are decoded by `nextFrame()`.
    mutating func bytesRead(_ bytes: ByteBuffer) {
        guard lifecycle != .closing else { return }
        if buffered.readableBytes == 0 {
            buffered = bytes
        } else {
            var incoming = bytes
            buffered.writeBuffer(&incoming)
        }
    }

    /// What the handler must do next with the bytes read so far.
    enum FrameAction {
        /// Run this message (a request, a notification or a batch), counted in flight until `finished()`.
        case serve(JSONValue, payloadLength: Int?)
        /// Run this request now, with the payload that follows, chunk by chunk (its method takes one);
        /// counted in flight until `finished()`.
        case serveWithPayload(JSONValue, length: Int)
        /// The next bytes of the payload in progress.
        case payloadChunk(ByteBuffer)
        /// Its last byte has arrived.
        case payloadEnd
        /// Answer this fault; the connection goes on.
        case answer(RPCErrorObject)
        /// Answer this fault and close: framing is lost.
        case answerAndClose(RPCErrorObject)
    }

    /// The next thing to do with the buffered bytes, or nil when the connection must wait: for more bytes,
    /// for requests to finish, or for the peer to read.
    ///
    /// - Parameter takesPayload: whether a message's method takes the payload announced with it; if not, the
    ///   payload is read and dropped, then the message is served to be refused.
    mutating func nextFrame(takesPayload: (JSONValue) -> Bool = { _ in false }) -> FrameAction? {
        while mayRead, let frame = parser.next(from: &buffered) {
            switch frame {
            case .message(let message, payloadLength: nil):
                return .serve(message, payloadLength: nil)
            case .message(let message, payloadLength: let length?):
                if takesPayload(message) {
                    streamingPayload = true
                    return .serveWithPayload(message, length: length)
                }
                pendingPayload = (message, length)
            case .payloadChunk(let chunk):
                if streamingPayload { return .payloadChunk(chunk) }
                // Its method takes no payload: its bytes are read and dropped so framing holds.
                continue
            case .payloadEnd:
                if streamingPayload {
                    streamingPayload = false
                    payloadPaused = false
                    return .payloadEnd
                }
                guard let (message, length) = pendingPayload else { continue }
                pendingPayload = nil
                return .serve(message, payloadLength: length)
            case .malformed(let error):
                return .answer(error)
            case .fatal(let error):
                lifecycle = .closing
                buffered = ByteBuffer()
                return .answerAndClose(error)
            }
        }
        compact()
        return nil
    }

    /// A request the handler runs (inline or in a task) starts.
    mutating func started() {
        inFlight += 1
    }

    /// What to do after a request finished or the channel became writable again.
    enum ResumeAction: Equatable {
        case none
        /// Decode what is buffered, and pass on a held `read()`.
        case resume(passRead: Bool)
        /// Nothing is in flight and the connection is draining: flush and close.
        case close
    }

    /// A request finished and its answer is written.
    mutating func finished() -> ResumeAction {
        precondition(inFlight > 0, "finished more requests than started")
        inFlight -= 1
        return resumeAction()
    }

    mutating func writabilityChanged(_ isWritable: Bool) -> ResumeAction {
        writable = isWritable
        return resumeAction()
    }

    /// The request reading the payload in progress is behind: stop reading.
    mutating func pausePayload() {
        if streamingPayload { payloadPaused = true }
    }

    /// That request caught up (or stopped reading: the rest of the payload is dropped).
    mutating func resumePayload() -> ResumeAction {
        guard payloadPaused else { return .none }
        payloadPaused = false
        return resumeAction()
    }

    /// The pipeline asks for more bytes: pass the read on only when the connection may decode them.
    mutating func readRequested() -> Bool {
        guard mayRead else {
            readHeld = lifecycle != .closing
            return false
        }
        return true
    }

    /// A graceful shutdown began: stop reading, close once the requests in flight are answered.
    mutating func drain() -> ResumeAction {
        guard lifecycle == .serving else { return .none }
        lifecycle = .draining
        return inFlight == 0 ? close() : .none
    }

    /// No traffic for the idle timeout: close unless a request of the peer's own is still running.
    mutating func idle() -> ResumeAction {
        guard lifecycle != .closing, inFlight == 0 else { return .none }
        return close()
    }

    mutating func closed() {
        lifecycle = .closing
        buffered = ByteBuffer()
    }

    private mutating func close() -> ResumeAction {
        closed()
        return .close
    }

    private mutating func resumeAction() -> ResumeAction {
        if lifecycle == .draining, inFlight == 0 { return close() }
        guard mayRead else { return .none }
        let passRead = readHeld
        readHeld = false
        return .resume(passRead: passRead)
    }

    /// Gives back the space of consumed bytes once a buffer has been mostly read, so a long-lived connection
    /// does not hold every byte it ever received.
    private mutating func compact() {
        if buffered.readableBytes == 0 {
            buffered = ByteBuffer()
        } else if buffered.readerIndex > 64 * 1024 {
            buffered.discardReadBytes()
        }
    }
}
