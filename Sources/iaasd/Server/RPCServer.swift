import API
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Services

/// The JSON-RPC server on the daemon's Unix socket: newline-delimited messages, binary payloads, many
/// requests in flight per connection, answered as they finish (`RPCConnectionHandler`).
///
/// On graceful shutdown it stops accepting, lets each connection finish the requests it has in flight,
/// closes it, and returns once every connection is closed.
final class RPCServer: Service, Sendable {
    struct Configuration: Sendable {
        var socketPath: String
        var limits = FrameLimits()
        var idleTimeout: TimeAmount = .minutes(5)
        var maxInFlightPerConnection = 64
    }

    private let listener: any Channel
    private let connections: ConnectionRegistry
    private let onReady: @Sendable () -> Void
    private let onShutdown: @Sendable () -> Void
    private let logger = Logger(label: "iaas.server")

    private init(
        listener: any Channel, connections: ConnectionRegistry, onReady: @escaping @Sendable () -> Void,
        onShutdown: @escaping @Sendable () -> Void
    ) {
        self.listener = listener
        self.connections = connections
        self.onReady = onReady
        self.onShutdown = onShutdown
    }

    /// Binds the socket (mode 0660) so that it accepts as soon as this returns.
    ///
    /// - Parameters:
    ///   - onReady: called once `run()` is serving, inside the service group, so that signals are handled
    ///     by then (systemd may send SIGTERM as soon as it hears READY).
    ///   - onShutdown: called when a graceful shutdown begins.
    static func bind(
        _ configuration: Configuration, processor: RequestProcessor, onReady: @escaping @Sendable () -> Void,
        onShutdown: @escaping @Sendable () -> Void
    ) async throws -> RPCServer {
        let connections = ConnectionRegistry()
        let logger = Logger(label: "iaas.server")
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(allTimeout: configuration.idleTimeout))
                    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(limits: configuration.limits)))
                    try pipeline.addHandler(
                        RPCConnectionHandler(
                            processor: processor, maxInFlight: configuration.maxInFlightPerConnection, logger: logger))
                    connections.add(channel)
                }
            }
            .bind(unixDomainSocketPath: configuration.socketPath, cleanupExistingSocketFile: true)
            .get()
        try SocketPermissions.restrict(configuration.socketPath)
        return RPCServer(listener: listener, connections: connections, onReady: onReady, onShutdown: onShutdown)
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            onReady()
            try? await listener.closeFuture.get()
        } onGracefulShutdown: {
            self.onShutdown()
            self.listener.close(promise: nil)
        }
        logger.info("stopped accepting connections; finishing requests in flight")
        connections.drainAll()
        await connections.waitUntilEmpty()
        logger.info("server stopped")
    }
}
