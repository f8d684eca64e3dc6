import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Services

/// The AWS-protocol HTTP listener (`iaasd --http`): boto3, the AWS CLI and other SDKs reach the same
/// services as the socket through it.
public enum HTTPFront {
    /// The listener as a service of the daemon's group; `endpoint` is set once its port is bound.
    public static func service(
        configuration: FrontConfiguration, processor: RequestProcessor, endpoint: HTTPEndpoint
    ) -> some Service {
        let logger = Logger(label: "iaas.http")
        let responder = FrontResponder(configuration: configuration, processor: processor, logger: logger)
        return Application(
            responder: responder,
            // The idle timeout also bounds how long a request's headers may take: Hummingbird counts a
            // connection active only from a complete request head, so a client that trickles one is closed.
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ExpectContinueHandler()],
                    idleTimeout: .milliseconds(Int64(configuration.idleTimeout * 1000)))),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "iaasd",
                // At the cap, connections wait in the backlog rather than cost memory.
                availableConnectionsDelegate: .maximum(configuration.maxConnections, logger: logger)),
            onServerRunning: { channel in
                guard let address = channel.localAddress, let port = address.port else { return }
                let host = address.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? configuration.host
                endpoint.set("http://\(host):\(port)")
                logger.info("listening", metadata: ["iaas.http.endpoint": "http://\(host):\(port)"])
            },
            logger: logger)
    }
}
