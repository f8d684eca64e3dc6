import API
import Logging
import NIOCore
import NIOEmbedded
import Services
import Testing

@testable import iaasd

/// The handler on an `EmbeddedChannel`: what it writes as the peer stops and starts reading.
@Suite("RPCConnectionHandler")
struct RPCConnectionHandlerTests {
    private func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        // An empty method table: every request is answered at once, on the loop, with InvalidAction.
        let handler = RPCConnectionHandler(
            processor: RequestProcessor(router: Router()), limits: FrameLimits(), maxInFlight: 4,
            logger: Logger(label: "test"))
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/iaasd-test.sock")).wait()
        return channel
    }

    private func requests(_ ids: Range<Int>) -> ByteBuffer {
        ByteBuffer(string: ids.map { #"{"jsonrpc":"2.0","id":\#($0),"method":"x.Y"}"# + "\n" }.joined())
    }

    private func answeredIds(_ channel: EmbeddedChannel) throws -> [Int] {
        var ids: [Int] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            for line in buffer.readString(length: buffer.readableBytes)!.split(separator: "\n") {
                ids.append(try JSONParser.parse(Array(line.utf8))["id"]?.intValue ?? -1)
            }
        }
        return ids
    }

    /// The peer stops or starts reading: the channel's writability changes, as NIO's water marks would make it.
    private func setWritable(_ writable: Bool, _ channel: EmbeddedChannel) {
        channel.isWritable = writable
        channel.pipeline.fireChannelWritabilityChanged()
        channel.embeddedEventLoop.run()
    }

    @Test("nothing is decoded while the peer is not reading; everything is answered once it reads again")
    func pausedForWritability() throws {
        let channel = try channel()
        setWritable(false, channel)
        try channel.writeInbound(requests(1..<4))
        #expect(try answeredIds(channel).isEmpty)
        setWritable(true, channel)
        #expect(try answeredIds(channel) == [1, 2, 3])
        _ = try channel.finish()
    }

    @Test("writes that make the channel unwritable stop decoding at once, mid-buffer")
    func unwritableMidBuffer() throws {
        let channel = try channel()
        try channel.writeInbound(requests(1..<3))
        #expect(try answeredIds(channel) == [1, 2])
        setWritable(false, channel)
        try channel.writeInbound(requests(3..<6))
        #expect(try answeredIds(channel).isEmpty)
        setWritable(true, channel)
        #expect(try answeredIds(channel) == [3, 4, 5])
        _ = try channel.finish()
    }

    @Test("a framing fault is answered once and the channel closed")
    func fatalCloses() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: #"{"$bytes":-1}"# + "\n" + #"{"id":1}"# + "\n"))
        var buffer = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(buffer.readString(length: buffer.readableBytes)?.contains("-32600") == true)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(!channel.isActive)
    }
}
