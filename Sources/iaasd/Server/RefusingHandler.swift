import API
import NIOCore

/// Answers a connection over the daemon's cap with one error line and closes it, so the client learns why
/// instead of seeing a reset.
final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func channelActive(context: ChannelHandlerContext) {
        let error = RPCErrorObject(
            CloudError(
                code: "RequestLimitExceeded",
                message: "The daemon already serves \(limit) connections, its limit (--max-connections); "
                    + "close idle connections or retry later.",
                status: 503))
        var line = context.channel.allocator.buffer(bytes: RPCMessage.error(id: nil, error))
        line.writeInteger(UInt8(ascii: "\n"))
        context.writeAndFlush(wrapOutboundOut(line)).whenComplete { _ in context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Whatever the client sent is not served.
    }
}
