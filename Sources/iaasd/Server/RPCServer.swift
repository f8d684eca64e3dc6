import API
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Services

/// The JSON-RPC server on the daemon's Unix socket: newline-delimited messages, binary payloads, many
/// requests in flight per connection, answered as they finish.
///
/// On graceful shutdown it stops accepting, lets each connection finish the requests it has in flight,
/// then closes it.
final class RPCServer: Service, Sendable {
    struct Configuration: Sendable {
        var socketPath: String
        var limits = FrameLimits()
        var idleTimeout: TimeAmount = .minutes(5)
        var maxInFlightPerConnection = 64
    }

    private typealias Connection = NIOAsyncChannel<InboundFrame, ByteBuffer>

    private let configuration: Configuration
    private let processor: RequestProcessor
    private let listener: NIOAsyncChannel<Connection, Never>
    private let connections = ConnectionRegistry()
    private let onReady: @Sendable () -> Void
    private let onShutdown: @Sendable () -> Void
    private let logger = Logger(label: "iaas.server")

    private init(
        configuration: Configuration, processor: RequestProcessor, listener: NIOAsyncChannel<Connection, Never>,
        onReady: @escaping @Sendable () -> Void, onShutdown: @escaping @Sendable () -> Void
    ) {
        self.configuration = configuration
        self.processor = processor
        self.listener = listener
        self.onReady = onReady
        self.onShutdown = onShutdown
    }

    /// Binds the socket (mode 0660) so that it accepts as soon as this returns.
    /// - Parameters:
    ///   - onReady: called once `run()` is serving, inside the service group, so that signals are handled
    ///     by then (systemd may send SIGTERM as soon as it hears READY).
    ///   - onShutdown: called when a graceful shutdown begins.
    static func bind(
        _ configuration: Configuration, processor: RequestProcessor, onReady: @escaping @Sendable () -> Void,
        onShutdown: @escaping @Sendable () -> Void
    ) async throws -> RPCServer {
        let limits = configuration.limits
        let idleTimeout = configuration.idleTimeout
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .bind(unixDomainSocketPath: configuration.socketPath, cleanupExistingSocketFile: true) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(limits: limits)))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        try SocketPermissions.restrict(configuration.socketPath)
        return RPCServer(
            configuration: configuration, processor: processor, listener: listener, onReady: onReady, onShutdown: onShutdown)
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                onReady()
                try await listener.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
                logger.info("stopped accepting connections; finishing requests in flight")
                connections.drainAll()
            }
        } onGracefulShutdown: {
            self.onShutdown()
            self.listener.channel.close(promise: nil)
        }
        logger.info("server stopped")
    }

    private func serve(_ connection: Connection) async {
        let state = ConnectionState(channel: connection.channel, maxInFlight: configuration.maxInFlightPerConnection)
        connections.add(state)
        defer { connections.remove(state) }
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await withThrowingDiscardingTaskGroup { group in
                    var pendingPayload: (message: JSONValue, length: Int)?
                    frames: for try await frame in inbound {
                        switch frame {
                        case .message(let message, payloadLength: nil):
                            await state.acquire()
                            group.addTask {
                                defer { state.release() }
                                if let response = await self.processor.respond(to: message) {
                                    try await outbound.write(Self.line(response))
                                }
                            }
                        case .message(let message, payloadLength: let length?):
                            pendingPayload = (message, length)
                        case .payloadChunk:
                            // No current method takes a payload; its bytes are read and dropped so framing holds.
                            continue
                        case .payloadEnd:
                            guard let (message, length) = pendingPayload else { continue }
                            pendingPayload = nil
                            if let response = await processor.respond(to: message, payloadLength: length) {
                                try await outbound.write(Self.line(response))
                            }
                        case .malformed(let error):
                            try await outbound.write(Self.line(RPCMessage.error(id: nil, error)))
                        case .fatal(let error):
                            logger.warning("closing a connection that broke framing", metadata: ["iaas.error": "\(error)"])
                            try await outbound.write(Self.line(RPCMessage.error(id: nil, error)))
                            break frames
                        }
                    }
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["iaas.error": "\(error)"])
        }
    }

    private static func line(_ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count + 1)
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}
