import VPCNetwork

/// How instances are networked: the VPC data plane (as root) or QEMU's user-mode networking.
public struct NetworkConfiguration: Sendable {
    public var mode: NetworkMode
    /// Why this mode: the probe's verdict or the daemon's option, and in user mode what it lacks.
    public var reason: String
    /// The data plane, in VPC mode.
    public var dataPlane: DataPlane?
    /// The namespaces' prefix (`iaas`: `iaas-us-east-1`, `iaas-us-east-1-outside`).
    public var namespacePrefix: String
    /// Whether the host's own namespace gets routes to the public addresses (`--network-host-route`).
    public var hostRoute: Bool

    public init(
        mode: NetworkMode, reason: String, dataPlane: DataPlane?, namespacePrefix: String = "iaas",
        hostRoute: Bool = false
    ) {
        self.hostRoute = hostRoute
        self.mode = mode
        self.reason = reason
        self.dataPlane = mode == .vpc ? dataPlane : nil
        self.namespacePrefix = namespacePrefix
    }

    /// User-mode networking, which needs nothing of the host.
    public static func user(reason: String) -> NetworkConfiguration {
        NetworkConfiguration(
            mode: .user, reason: "\(reason); \(NetworkMode.userModeLimits)", dataPlane: nil)
    }

    public func layout(region: String) -> RegionLayout { RegionLayout(prefix: namespacePrefix, region: region) }
}
