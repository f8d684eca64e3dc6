/// Faults of the client side of the socket (the daemon's own faults arrive as `RPCErrorObject`).
public enum IaasClientError: Error, Sendable, CustomStringConvertible {
    /// Nothing listens on the socket.
    case daemonNotRunning(socketPath: String, reason: String)
    /// The connection closed before the answer arrived.
    case connectionClosed
    /// The daemon answered with something that is not a valid response.
    case badResponse(String)

    public var description: String {
        switch self {
        case .daemonNotRunning(let path, let reason):
            "iaasd is not running on \(path) (\(reason)). Start it with `iaasd` or point IAAS_SOCKET at its socket."
        case .connectionClosed:
            "The connection to iaasd closed before it answered."
        case .badResponse(let detail):
            "iaasd sent a response this client cannot read: \(detail)"
        }
    }
}
