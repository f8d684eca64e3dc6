import API
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Services

#if canImport(Glibc)
    import Glibc
#endif

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
        /// Connections served at once; one more is answered `RequestLimitExceeded` and closed.
        var maxConnections = 1024
        /// The group given access to the socket, besides the daemon's user.
        var socketGroup: gid_t?
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

    /// Binds the socket (mode 0660, never wider, with its group) so that it accepts as soon as this returns.
    ///
    /// - Parameters:
    ///   - onReady: called once `run()` is serving, inside the service group, so that signals are handled
    ///     by then (systemd may send SIGTERM as soon as it hears READY).
    ///   - onShutdown: called when a graceful shutdown begins.
    static func bind(
        _ configuration: Configuration, processor: RequestProcessor, onReady: @escaping @Sendable () -> Void,
        onShutdown: @escaping @Sendable () -> Void
    ) async throws -> RPCServer {
        let connections = ConnectionRegistry(limit: configuration.maxConnections)
        let logger = Logger(label: "iaas.server")
        let bindPath = try SocketPermissions.privateBindPath(for: configuration.socketPath)
        let listener: any Channel
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        guard connections.add(channel) else {
                            logger.warning(
                                "refused a connection over the cap",
                                metadata: ["iaas.connections.max": "\(configuration.maxConnections)"])
                            try pipeline.addHandler(RefusingHandler(limit: configuration.maxConnections))
                            return
                        }
                        try pipeline.addHandler(IdleStateHandler(allTimeout: configuration.idleTimeout))
                        try pipeline.addHandler(
                            RPCConnectionHandler(
                                processor: processor, limits: configuration.limits,
                                maxInFlight: configuration.maxInFlightPerConnection, logger: logger))
                    }
                }
                .bind(unixDomainSocketPath: bindPath.socket)
                .get()
            try SocketPermissions.publish(
                bindPath.socket, directory: bindPath.directory, at: configuration.socketPath,
                group: configuration.socketGroup)
        } catch {
            SocketPermissions.discard(directory: bindPath.directory)
            throw error
        }
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
