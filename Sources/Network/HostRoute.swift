import Foundation

/// The opt-in route from the host's own namespace into a region's VPC namespace (`iaasd
/// --network-host-route`), for a user who wants to reach public addresses and Elastic IPs from the host's
/// shell: a veth pair (the host's end named after the namespace), a /30 of 198.19.254.0/24 picked by the
/// region's index, and a /32 route on the host for each public address NAT maps in that region. This is the
/// only thing the data plane ever adds to the host's own namespace, and only when asked. The whole pool is
/// routed in too (at a metric per region), so a packet for an address no instance has ends in a namespace's
/// filter instead of leaving the host by its default route.
public struct HostRoute: Sendable, Equatable {
    /// The region's index among the daemon's regions (0…63).
    public var index: Int

    /// Nil past the 64th region: 198.19.254.0/24 holds 64 links.
    public init?(index: Int) {
        guard (0..<64).contains(index) else { return nil }
        self.index = index
    }

    var hostAddress: String { "198.19.254.\(index * 4 + 1)" }
    var vpcAddress: String { "198.19.254.\(index * 4 + 2)" }
    static let prefixLength = 30
    /// The link's end in the VPC namespace.
    static let vpcLink = "host0"

    /// The host's end: `ih` and a hash of the namespace's name, so two daemons (or regions) never share it.
    public static func hostLink(_ layout: RegionLayout) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in layout.namespace.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return "ih" + String(format: "%08x", hash)
    }

    /// Makes the link and the host's routes match `addresses` (the public addresses NAT maps), or, without a
    /// host route (`route` nil), removes a link an earlier daemon made.
    static func apply(_ route: HostRoute?, layout: RegionLayout, pool: String, addresses: [String])
        async throws(NetworkError)
    {
        let link = hostLink(layout)
        let exists = FileManager.default.fileExists(atPath: "/sys/class/net/\(link)")
        guard let route else {
            if exists { try await HostCommand("ip", ["link", "delete", link]).run() }
            return
        }
        if !exists {
            try await HostCommand(
                "ip", ["link", "add", link, "type", "veth", "peer", "name", vpcLink, "netns", layout.namespace]
            ).run()
        }
        try await HostCommand(
            "ip", ["-n", layout.namespace, "-batch", "-"],
            input: ["address replace \(route.vpcAddress)/\(prefixLength) dev \(vpcLink)", "link set \(vpcLink) up"]
                .joined(separator: "\n")
        ).run()
        var commands = [
            "address replace \(route.hostAddress)/\(prefixLength) dev \(link)", "link set \(link) up",
            "route replace \(pool) via \(route.vpcAddress) dev \(link) metric \(100 + route.index)",
        ]
        let current = try await routes(on: link)
        let wanted = Set(addresses)
        commands += wanted.subtracting(current).sorted().map {
            "route replace \($0)/32 via \(route.vpcAddress) dev \(link)"
        }
        commands += current.subtracting(wanted).sorted().map { "route delete \($0)/32 dev \(link)" }
        try await HostCommand("ip", ["-batch", "-"], input: commands.joined(separator: "\n")).run()
    }

    /// The /32 routes the host has on the link (not the pool's).
    private static func routes(on link: String) async throws(NetworkError) -> Set<String> {
        let json = try await HostCommand("ip", ["-j", "route", "show", "dev", link]).run()
        let entries = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [[String: Any]] ?? []
        return Set(
            entries.compactMap { entry in
                guard let destination = entry["dst"] as? String, entry["gateway"] != nil else { return nil }
                if destination.hasSuffix("/32") { return String(destination.dropLast(3)) }
                return destination.contains("/") ? nil : destination
            })
    }
}
