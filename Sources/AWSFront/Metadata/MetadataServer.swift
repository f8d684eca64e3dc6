import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Services
import Synchronization

/// The instance metadata service of one region: HTTP on 169.254.169.254:80 inside the region's VPC
/// namespace (the daemon binds the socket there and hands it over), knowing each caller by the
/// connection's source address. A service of the daemon's group: it stops with the daemon.
public struct MetadataServer: Service {
    public typealias Lookup = @Sendable (_ privateAddress: String) async -> InstanceMetadata?

    let socket: Int32
    let region: String
    let lookup: Lookup
    let responder = MetadataResponder()
    private let logger = Logger(label: "iaas.imds")

    /// - Parameters:
    ///   - socket: a listening TCP socket, bound in the VPC namespace; the server owns it from here.
    ///   - lookup: the instance that has a private address in this region.
    public init(socket: Int32, region: String, lookup: @escaping Lookup) {
        self.socket = socket
        self.region = region
        self.lookup = lookup
    }

    /// Connections served at once; more are closed at once. Guests share the daemon's descriptors.
    static let maxConnections = 256
    /// A connection that sends nothing for this long is closed.
    static let idleTimeout = TimeAmount.seconds(10)

    public func run() async throws {
        let responder = self.responder
        let lookup = self.lookup
        let open = ConnectionCount()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                guard open.enter() else { return channel.close() }
                channel.closeFuture.whenComplete { _ in open.leave() }
                return channel.pipeline.addHandler(IdleStateHandler(readTimeout: Self.idleTimeout)).flatMap {
                    channel.pipeline.configureHTTPServerPipeline()
                }.flatMap {
                    channel.pipeline.addHandler(MetadataHandler(responder: responder, lookup: lookup))
                }
            }
            .withBoundSocket(socket).get()
        logger.info("instance metadata service listening", metadata: ["iaas.region": "\(region)"])
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// The connections a server has open, against its cap.
private final class ConnectionCount: Sendable {
    private let count = Atomic<Int>(0)

    /// Counts a new connection, unless the cap is reached.
    func enter() -> Bool {
        let now = count.add(1, ordering: .relaxed).newValue
        if now > MetadataServer.maxConnections {
            count.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func leave() { count.subtract(1, ordering: .relaxed) }
}

/// One connection: a request's head (its body, if any, is ignored: no IMDS call has one), then the answer.
private final class MetadataHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let responder: MetadataResponder
    let lookup: MetadataServer.Lookup
    private var head: HTTPRequestHead?

    init(responder: MetadataResponder, lookup: @escaping MetadataServer.Lookup) {
        self.responder = responder
        self.lookup = lookup
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let request = MetadataResponder.Request(
                method: head.method.rawValue, path: head.uri,
                headers: Dictionary(
                    head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }))
            let source = context.channel.remoteAddress?.ipAddress
            let keepAlive = head.isKeepAlive
            let version = head.version
            let responder = self.responder
            let lookup = self.lookup
            let channel = context.channel
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            Task {
                let caller = if let source { await lookup(source) } else { InstanceMetadata?.none }
                let response = responder.respond(request, caller: caller)
                loop.execute {
                    let (handler, context) = bound.value
                    guard channel.isActive else { return }
                    handler.write(response, version: version, keepAlive: keepAlive, context: context)
                }
            }
        }
    }

    private func write(
        _ response: MetadataResponder.Response, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Server", value: "EC2ws")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        context.write(
            wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
    }
}
