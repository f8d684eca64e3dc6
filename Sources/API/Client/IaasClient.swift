import NIOCore
import NIOPosix

/// A connection to `iaasd`: the one way `iaasctl`, the tests and the benchmarks talk to the daemon.
///
/// Calls may be made concurrently from many tasks; they are multiplexed on one connection and may be
/// answered in any order.
public final class IaasClient: Sendable {
    private let channel: any Channel
    private let router: NIOLoopBound<ResponseRouter>
    public let socketPath: String

    /// Responses may be far larger than requests (`DescribeVolumes` of every volume); the 1 MiB line limit
    /// protects the daemon, not the client.
    static let responseLimits = FrameLimits(maxLineBytes: 1 << 30)

    private init(channel: any Channel, router: NIOLoopBound<ResponseRouter>, socketPath: String) {
        self.channel = channel
        self.router = router
        self.socketPath = socketPath
    }

    /// Connects to the daemon's socket.
    ///
    /// - Throws: `IaasClientError.daemonNotRunning` when nothing listens there.
    public static func connect(socketPath: String) async throws -> IaasClient {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoder(limits: responseLimits)))
                    try channel.pipeline.syncOperations.addHandler(ResponseRouter())
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(unixDomainSocketPath: socketPath).get()
        } catch {
            throw IaasClientError.daemonNotRunning(socketPath: socketPath, reason: Self.reason(error))
        }
        let router: NIOLoopBound<ResponseRouter>
        do {
            router = try await channel.eventLoop.submit {
                NIOLoopBound(
                    try channel.pipeline.syncOperations.handler(type: ResponseRouter.self), eventLoop: channel.eventLoop
                )
            }.get()
        } catch {
            // The daemon closed the connection at once (over its cap, or shutting down): the handlers are gone.
            throw IaasClientError.connectionClosed
        }
        return IaasClient(channel: channel, router: router, socketPath: socketPath)
    }

    /// Calls a method and decodes its result.
    ///
    /// - Throws: `RPCErrorObject` when the daemon answers with an error (its `awsCode` names the AWS
    ///   error), `IaasClientError` when the connection fails.
    public func call<P, R>(_ method: RPCMethod<P, R>, _ params: P) async throws -> R {
        let response = try await send(method: method.name, params: params, payload: nil)
        return try decode(response.message, as: R.self, method: method.name)
    }

    /// Calls a method that takes no parameters.
    public func call<R>(_ method: RPCMethod<NoParams, R>) async throws -> R {
        try await call(method, NoParams())
    }

    /// Calls a method that takes a binary payload (its request holds a `PayloadField` of the source's
    /// length). The payload is sent as the daemon reads it; every announced byte is sent even when the
    /// answer comes first (an early error), since the connection's framing depends on it.
    public func call<P, R>(_ method: RPCMethod<P, R>, _ params: P, payload: PayloadSource) async throws -> R {
        let response = try await send(method: method.name, params: params, payload: payload)
        return try decode(response.message, as: R.self, method: method.name)
    }

    /// Calls a method whose result carries a binary payload; read the payload before the next call that
    /// returns one on this connection (they arrive in turn).
    public func callReceivingPayload<P, R>(_ method: RPCMethod<P, R>, _ params: P) async throws -> (
        R, ReceivedPayload
    ) {
        let response = try await send(method: method.name, params: params, payload: nil)
        let result = try decode(response.message, as: R.self, method: method.name)
        guard let payload = response.payload else {
            throw IaasClientError.badResponse("\(method.name) answered without a payload")
        }
        return (result, payload)
    }

    private func decode<R: Decodable>(_ response: JSONValue, as type: R.Type, method: String) throws -> R {
        if let error = response["error"] {
            throw RPCErrorObject(json: error) ?? IaasClientError.badResponse("malformed error object")
        }
        guard let result = response["result"] else {
            throw IaasClientError.badResponse("a response with neither result nor error")
        }
        do {
            return try AWSCoding.decode(R.self, from: result)
        } catch {
            throw IaasClientError.badResponse("\(method) result: \(error.message)")
        }
    }

    private func send<P: Encodable>(method: String, params: P, payload: PayloadSource?) async throws
        -> ResponseRouter.Response
    {
        let serializedParams = params is NoParams ? Array("{}".utf8) : try AWSCoding.encode(params)
        let promise = channel.eventLoop.makePromise(of: ResponseRouter.Response.self)
        let router = self.router
        let submit: @Sendable () -> Void = {
            guard let id = router.value.register(promise), let writer = router.value.writer else {
                promise.fail(IaasClientError.connectionClosed)
                return
            }
            let line = RPCMessage.request(id: .number(id), method: method, serializedParams: serializedParams)
            if let payload {
                // A payload that cannot be sent closes the connection, which fails the call.
                _ = writer.write(line: line, payload: payload)
            } else {
                writer.write(line: line)
                router.value.flush()
            }
        }
        // A task already on the connection's loop (NIO as the concurrency executor) skips the hop.
        if channel.eventLoop.inEventLoop { submit() } else { channel.eventLoop.execute(submit) }
        return try await promise.futureResult.get()
    }

    /// Closes the connection; calls still waiting fail with `connectionClosed`.
    public func close() async {
        try? await channel.close()
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return error.description }
        return "\(error)"
    }
}
