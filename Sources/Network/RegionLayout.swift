/// The names and addresses of a region's data plane: its two namespaces, the link between them, and the
/// interfaces inside. Linux caps interface names at 15 bytes; namespace names are files under /run/netns.
public struct RegionLayout: Sendable, Equatable {
    /// The namespaces' prefix: `iaas` in a deployment; a test gives its own so that daemons do not meet.
    public var prefix: String
    public var region: String

    public init(prefix: String, region: String) {
        self.prefix = prefix
        self.region = region
    }

    /// The VPC namespace: bridges, taps, dnsmasq, NAT.
    public var namespace: String { "\(prefix)-\(region)" }
    /// "The outside world": what reaches instances by their public addresses.
    public var outsideNamespace: String { "\(prefix)-\(region)-outside" }

    static func mount(_ namespace: String) -> String { "/run/netns/\(namespace)" }
    /// The VPC namespace's bind mount, which `nsenter --net` takes.
    public var namespacePath: String { Self.mount(namespace) }
    var outsidePath: String { Self.mount(outsideNamespace) }

    /// The link's end in the VPC namespace, and its peer in the outside one.
    static let uplink = "outside0"
    static let outsideLink = "cloud0"
    /// A /30 of the benchmarking range 198.18.0.0/15 (the public pool is its first /24): nothing of the
    /// host's own is ever in it.
    static let uplinkAddress = "198.19.255.253"
    static let outsideAddress = "198.19.255.254"
    static let linkPrefix = 30

    /// The instance metadata service's address, on every VPC's bridge (link-local, as in AWS).
    public static let metadataAddress = "169.254.169.254"

    /// The bridge of a VPC: `vpc-` and the id's last eight hex digits.
    public static func bridge(vpcId: String) -> String { "vpc-" + vpcId.suffix(8) }

    /// The tap of an instance's NIC: `tap` and the id's last twelve hex digits.
    public static func tap(instanceId: String) -> String { "tap" + instanceId.suffix(12) }
    static let tapPrefix = "tap"
}
