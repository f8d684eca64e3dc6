/// How the AWS-protocol HTTP listener is set up (`iaasd --http`, `--credentials`).
public struct FrontConfiguration: Sendable {
    public var host: String
    /// 0 lets the system choose; `daemon.Status` then tells which.
    public var port: Int
    /// Nil: signatures are parsed but any key is accepted (local development, loopback only).
    public var credentials: Credentials?
    /// The cloud's regions; a request's credential scope must name one, and unsigned requests get the first.
    public var regions: [String]
    /// Seconds a connection may stay without traffic.
    public var idleTimeout: Double
    /// Connections served at once.
    public var maxConnections: Int
    /// `POST /_iaas/reset` wipes every resource (`iaasd --http-reset`, for test suites).
    public var allowsReset: Bool

    public init(
        host: String, port: Int, credentials: Credentials?, regions: [String], idleTimeout: Double = 60,
        maxConnections: Int = 1024, allowsReset: Bool = false
    ) {
        self.host = host
        self.port = port
        self.credentials = credentials
        self.regions = regions
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.allowsReset = allowsReset
    }

    /// Parses `ADDRESS:PORT` (`127.0.0.1:4566`, `[::1]:4566`, `localhost:0`).
    public static func parse(address: String) -> (host: String, port: Int)? {
        guard let colon = address.lastIndex(of: ":") else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        return (host, port)
    }

    /// Whether only this host's own users can reach the address: without credentials the listener binds
    /// nothing else.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
