import NIOCore
import NIOEmbedded
import Testing

@testable import API

/// What the decoder handed up, in a form tests can compare.
private enum Seen: Equatable, CustomStringConvertible {
    case message(JSONValue, payloadLength: Int?)
    case chunk([UInt8])
    case end
    case malformed(code: Int)
    case fatal(code: Int)

    init(_ frame: InboundFrame) {
        switch frame {
        case .message(let value, let length): self = .message(value, payloadLength: length)
        case .payloadChunk(let buffer): self = .chunk(Array(buffer.readableBytesView))
        case .payloadEnd: self = .end
        case .malformed(let error): self = .malformed(code: error.code)
        case .fatal(let error): self = .fatal(code: error.code)
        }
    }

    var description: String {
        switch self {
        case .message(let value, let length):
            "message(\(String(decoding: value.serialized, as: UTF8.self)), \(length.map(String.init) ?? "nil"))"
        case .chunk(let bytes): "chunk(\(bytes.count) bytes)"
        case .end: "end"
        case .malformed(let code): "malformed(\(code))"
        case .fatal(let code): "fatal(\(code))"
        }
    }
}

/// An `EmbeddedChannel` with a `FrameDecoder`, fed by `write` and drained by `read`.
private final class Harness {
    let channel = EmbeddedChannel()

    init(limits: FrameLimits = FrameLimits()) throws {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(limits: limits)))
    }

    deinit {
        _ = try? channel.finish()
    }

    func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    func write(_ bytes: [UInt8]) throws {
        try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
    }

    /// Everything decoded so far.
    func read() throws -> [Seen] {
        var seen: [Seen] = []
        while let frame = try channel.readInbound(as: InboundFrame.self) { seen.append(Seen(frame)) }
        return seen
    }

    /// Everything decoded so far, with consecutive payload chunks joined into one.
    func readJoiningChunks() throws -> [Seen] {
        var joined: [Seen] = []
        for item in try read() {
            if case .chunk(let bytes) = item, case .chunk(let previous)? = joined.last {
                joined[joined.count - 1] = .chunk(previous + bytes)
            } else {
                joined.append(item)
            }
        }
        return joined
    }

    /// The values of the message frames decoded so far.
    func messages() throws -> [JSONValue] {
        try read().compactMap { if case .message(let value, _) = $0 { value } else { nil } }
    }
}

private let parseErrorCode = RPCErrorObject.parseErrorCode
private let invalidRequestCode = RPCErrorObject.invalidRequestCode

@Suite("FrameDecoder: lines")
struct FrameDecoderLineTests {
    @Test("a line split across several writes decodes once, when its newline arrives")
    func splitLine() throws {
        let harness = try Harness()
        try harness.write(#"{"jsonr"#)
        #expect(try harness.read().isEmpty)
        try harness.write(#"pc":"2.0","#)
        #expect(try harness.read().isEmpty)
        try harness.write(#""id":1}"#)
        #expect(try harness.read().isEmpty)
        try harness.write("\n")
        #expect(try harness.read() == [.message(["jsonrpc": "2.0", "id": 1], payloadLength: nil)])
    }

    @Test("a line fed one byte at a time")
    func byteByByte() throws {
        let harness = try Harness()
        for byte in Array(#"{"a":[1,2,"x\ny"]}"#.utf8) + [0x0A] { try harness.write([byte]) }
        #expect(try harness.read() == [.message(["a": [1, 2, "x\ny"]], payloadLength: nil)])
    }

    @Test("several lines in one write come out in order")
    func manyLinesOneWrite() throws {
        let harness = try Harness()
        try harness.write("{\"n\":1}\n{\"n\":2}\n[3]\n\"four\"\n{\"n\":5")
        #expect(try harness.messages() == [["n": 1], ["n": 2], [3], "four"])
        try harness.write("}\n")
        #expect(try harness.messages() == [["n": 5]])
    }

    @Test("blank and whitespace-only lines are skipped; CRLF endings work")
    func blankLines() throws {
        let harness = try Harness()
        try harness.write("\n\n   \n\t\r\n{\"a\":1}\r\n\n \n{\"b\":2}\n")
        #expect(try harness.read() == [.message(["a": 1], payloadLength: nil), .message(["b": 2], payloadLength: nil)])
    }

    @Test("a malformed line yields .malformed and the next line still decodes")
    func malformedThenValid() throws {
        let harness = try Harness()
        try harness.write("{bad json\n{\"ok\":true}\n[1,]\nnull\n")
        #expect(
            try harness.read() == [
                .malformed(code: parseErrorCode), .message(["ok": true], payloadLength: nil),
                .malformed(code: parseErrorCode), .message(nil, payloadLength: nil),
            ])
    }

    @Test("a malformed line's error names the byte offset")
    func malformedMessage() throws {
        let harness = try Harness()
        try harness.write("[1,2] x\n")
        let frame = try #require(try harness.channel.readInbound(as: InboundFrame.self))
        guard case .malformed(let error) = frame else {
            Issue.record("expected .malformed, got \(Seen(frame))")
            return
        }
        #expect(error.code == RPCErrorObject.parseErrorCode)
        #expect(error.message.contains("byte 6"))
    }

    @Test("nesting beyond the configured depth is malformed, not fatal")
    func depthLimit() throws {
        let harness = try Harness(limits: FrameLimits(maxDepth: 2))
        try harness.write("[[1]]\n[[[1]]]\n{}\n")
        #expect(
            try harness.read() == [
                .message([[1]], payloadLength: nil), .malformed(code: parseErrorCode),
                .message(.object([:]), payloadLength: nil),
            ])
    }

    @Test("a line of exactly maxLineBytes is accepted")
    func lineAtLimit() throws {
        let harness = try Harness(limits: FrameLimits(maxLineBytes: 64))
        let line = #"{"k":""# + String(repeating: "x", count: 56) + #""}"#
        #expect(line.utf8.count == 64)
        try harness.write(line + "\n")
        #expect(try harness.messages() == [["k": .string(String(repeating: "x", count: 56))]])
    }

    @Test("a line longer than maxLineBytes is fatal, and nothing after it is decoded")
    func oversizedLineWithNewline() throws {
        let harness = try Harness(limits: FrameLimits(maxLineBytes: 64))
        let line = #"{"k":""# + String(repeating: "x", count: 57) + #""}"#
        #expect(line.utf8.count == 65)
        try harness.write(line + "\n{\"a\":1}\n")
        #expect(try harness.read() == [.fatal(code: invalidRequestCode)])
        try harness.write("{\"b\":2}\n")
        #expect(try harness.read().isEmpty)
    }

    @Test("an oversized line is fatal as soon as it exceeds the limit, before any newline")
    func oversizedLineWithoutNewline() throws {
        let harness = try Harness(limits: FrameLimits(maxLineBytes: 64))
        try harness.write(String(repeating: "a", count: 40))
        #expect(try harness.read().isEmpty)
        try harness.write(String(repeating: "a", count: 25))
        #expect(try harness.read() == [.fatal(code: invalidRequestCode)])
        try harness.write("\n{\"a\":1}\n")
        #expect(try harness.read().isEmpty)
    }

    @Test("lines well under the default limit of 4 MiB pass")
    func defaultLimit() throws {
        #expect(FrameLimits().maxLineBytes == 4 << 20)
        let harness = try Harness()
        let big = String(repeating: "y", count: 200_000)
        try harness.write("[\"\(big)\"]\n")
        #expect(try harness.messages() == [[.string(big)]])
    }
}

@Suite("FrameDecoder: binary payloads")
struct FrameDecoderPayloadTests {
    private let payload = Array("0123456789".utf8)

    @Test("a $bytes message is followed by chunks totalling exactly N bytes, then payloadEnd")
    func wholePayload() throws {
        let harness = try Harness()
        try harness.write(#"{"$bytes":10}"# + "\n" + "0123456789")
        #expect(
            try harness.readJoiningChunks() == [.message(["$bytes": 10], payloadLength: 10), .chunk(payload), .end])
    }

    @Test("a nested marker counts, and the payload may arrive in pieces")
    func splitPayload() throws {
        let harness = try Harness()
        try harness.write(#"{"op":"put","body":{"$bytes":10}}"# + "\n012")
        #expect(
            try harness.read() == [
                .message(["op": "put", "body": ["$bytes": 10]], payloadLength: 10), .chunk(Array("012".utf8)),
            ])
        try harness.write("3456")
        #expect(try harness.read() == [.chunk(Array("3456".utf8))])
        try harness.write("789")
        #expect(try harness.read() == [.chunk(Array("789".utf8)), .end])
    }

    @Test("a JSON line right after the payload in the same buffer is decoded as a line")
    func lineAfterPayloadSameBuffer() throws {
        let harness = try Harness()
        try harness.write(#"{"$bytes":10}"# + "\n" + "0123456789" + #"{"next":1}"# + "\n")
        #expect(
            try harness.readJoiningChunks() == [
                .message(["$bytes": 10], payloadLength: 10), .chunk(payload), .end,
                .message(["next": 1], payloadLength: nil),
            ])
    }

    @Test("payload bytes that look like JSON lines or newlines are not parsed")
    func payloadIsOpaque() throws {
        let harness = try Harness()
        let body = Array("{\"x\":1}\n\n\u{0}\u{FF}".utf8)
        try harness.write(#"{"$bytes":\#(body.count)}"# + "\n")
        try harness.write(body + Array("[2]\n".utf8))
        #expect(
            try harness.readJoiningChunks() == [
                .message(["$bytes": .int(body.count)], payloadLength: body.count), .chunk(body), .end,
                .message([2], payloadLength: nil),
            ])
    }

    @Test("payload split at every byte still totals N and is followed by the next line")
    func payloadByteByByte() throws {
        let harness = try Harness()
        let stream = Array((#"{"$bytes":10}"# + "\n" + "0123456789" + "{\"n\":2}\n").utf8)
        for byte in stream { try harness.write([byte]) }
        let seen = try harness.read()
        let chunks = seen.compactMap { if case .chunk(let bytes) = $0 { bytes } else { nil } }
        #expect(chunks.joined().elementsEqual(payload))
        #expect(seen.first == .message(["$bytes": 10], payloadLength: 10))
        #expect(Array(seen.suffix(2)) == [.end, .message(["n": 2], payloadLength: nil)])
    }

    @Test("$bytes 0 yields the message then payloadEnd, with no chunk")
    func emptyPayload() throws {
        let harness = try Harness()
        try harness.write(#"{"$bytes":0}"# + "\n" + #"{"a":1}"# + "\n")
        #expect(
            try harness.read() == [
                .message(["$bytes": 0], payloadLength: 0), .end, .message(["a": 1], payloadLength: nil),
            ])
    }

    @Test("a batch carrying $bytes is refused after its payload is consumed; a line inside it is never decoded")
    func batchWithPayload() throws {
        let harness = try Harness()
        let inside = #"{"b":2}"# + "\n"
        try harness.write(#"[{"$bytes":\#(inside.utf8.count)}]"# + "\n" + inside + #"{"a":1}"# + "\n")
        #expect(try harness.read() == [.malformed(code: invalidRequestCode), .message(["a": 1], payloadLength: nil)])
    }

    @Test("a refused payload split across writes is refused only once it has all arrived")
    func batchWithSplitPayload() throws {
        let harness = try Harness()
        try harness.write(#"[{"$bytes":10}]"# + "\n0123\n")
        #expect(try harness.read().isEmpty)
        try harness.write(#"{"x""#)
        #expect(try harness.read().isEmpty)
        try harness.write(":\n[1]\n")
        #expect(try harness.read() == [.malformed(code: invalidRequestCode), .message([1], payloadLength: nil)])
    }

    @Test(
        "a marker whose byte count cannot be known breaks framing: nothing after it is decoded",
        arguments: [
            #"{"a":{"$bytes":1},"b":{"$bytes":2}}"#, #"{"$bytes":-1}"#, #"{"$bytes":"10"}"#, #"{"$bytes":1.5}"#,
            #"{"$bytes":99999999999999999999999}"#, #"[{"$bytes":1},{"$bytes":1}]"#, #"{"$bytes":3"#,
            #"{"\u0024bytes":3,}"#, #"{"$bytes":3} junk"#,
        ])
    func invalidMarkers(line: String) throws {
        let harness = try Harness()
        try harness.write(line + "\n" + "[1]\n")
        let seen = try harness.read()
        #expect(seen.count == 1)
        guard case .fatal = seen.first else {
            Issue.record("expected one fatal frame, got \(seen)")
            return
        }
        try harness.write("[2]\n")
        #expect(try harness.read().isEmpty)
    }

    @Test("a line that does not parse and has no $ is malformed, and the connection goes on")
    func malformedWithoutMarker() throws {
        let harness = try Harness()
        try harness.write(#"{"bytes":3"# + "\n[1]\n")
        #expect(try harness.read() == [.malformed(code: parseErrorCode), .message([1], payloadLength: nil)])
    }

    @Test("an object with $bytes among other members is not a marker")
    func notAMarker() throws {
        let harness = try Harness()
        try harness.write(#"{"$bytes":3,"other":1}"# + "\n")
        #expect(try harness.read() == [.message(["$bytes": 3, "other": 1], payloadLength: nil)])
    }

    @Test("a payload at the limit is accepted")
    func payloadAtLimit() throws {
        let harness = try Harness(limits: FrameLimits(maxPayloadBytes: 10))
        try harness.write(#"{"$bytes":10}"# + "\n" + "0123456789")
        #expect(
            try harness.readJoiningChunks() == [.message(["$bytes": 10], payloadLength: 10), .chunk(payload), .end])
    }

    @Test("a payload larger than maxPayloadBytes is fatal and the stream is dropped")
    func payloadTooLarge() throws {
        let harness = try Harness(limits: FrameLimits(maxPayloadBytes: 10))
        try harness.write(#"{"$bytes":11}"# + "\n" + "01234567890" + #"{"a":1}"# + "\n")
        #expect(try harness.read() == [.fatal(code: invalidRequestCode)])
        try harness.write("{\"b\":2}\n")
        #expect(try harness.read().isEmpty)
    }

    @Test("the default payload limit is 5 GiB")
    func defaultPayloadLimit() throws {
        #expect(FrameLimits().maxPayloadBytes == 5 << 30)
        let harness = try Harness()
        try harness.write(#"{"$bytes":5368709120}"# + "\n")
        #expect(try harness.read() == [.message(["$bytes": 5_368_709_120], payloadLength: 5 << 30)])
        let harness2 = try Harness()
        try harness2.write(#"{"$bytes":5368709121}"# + "\n")
        #expect(try harness2.read() == [.fatal(code: invalidRequestCode)])
    }
}

@Suite("FrameDecoder: end of stream")
struct FrameDecoderEOFTests {
    @Test("a partial line at EOF is dropped, never delivered")
    func partialLine() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
        try channel.writeInbound(channel.allocator.buffer(string: "{\"a\":1}\n{\"b\":"))
        #expect(try channel.readInbound(as: InboundFrame.self).map(Seen.init) == .message(["a": 1], payloadLength: nil))
        #expect(try channel.finish().isClean)
    }

    @Test("a partial payload at EOF is dropped after the chunks already delivered")
    func partialPayload() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
        try channel.writeInbound(channel.allocator.buffer(string: "{\"$bytes\":10}\n0123"))
        var seen: [Seen] = []
        while let frame = try channel.readInbound(as: InboundFrame.self) { seen.append(Seen(frame)) }
        #expect(seen == [.message(["$bytes": 10], payloadLength: 10), .chunk(Array("0123".utf8))])
        #expect(try channel.finish().isClean)
    }
}
