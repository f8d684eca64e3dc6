import Foundation

/// A region's two namespaces and the veth pair between them: made if missing, their addresses, routes and
/// forwarding set each time (every command is idempotent, so a half-made setup is finished, not doubled).
struct NamespaceSetup: Sendable {
    var layout: RegionLayout
    var publicPool: String

    /// Returns whether a namespace or the link was made now, and the VPC namespace's links as they were
    /// before (the bridges and taps, which this leaves alone, for the apply to compare with its plan).
    func ensure() async throws(NetworkError) -> (made: Bool, inventory: LinkInventory) {
        var made = false
        for namespace in [layout.namespace, layout.outsideNamespace]
        where !FileManager.default.fileExists(atPath: RegionLayout.mount(namespace)) {
            try await HostCommand("ip", ["netns", "add", namespace]).run()
            made = true
        }
        let inside = try await LinkInventory.read(namespace: layout.namespace)
        if inside.links[RegionLayout.uplink] == nil {
            // Made in one step with both ends in place, so no end ever sits in the host's own namespace.
            try await HostCommand(
                "ip",
                [
                    "link", "add", RegionLayout.uplink, "netns", layout.namespace, "type", "veth", "peer", "name",
                    RegionLayout.outsideLink, "netns", layout.outsideNamespace,
                ]
            ).run()
            made = true
        }
        guard made || inside.links[RegionLayout.uplink]?.up != true else { return (false, inside) }
        let prefix = RegionLayout.linkPrefix
        try await HostCommand(
            "ip", ["-n", layout.namespace, "-batch", "-"],
            input: [
                "link set lo up",
                "address replace \(RegionLayout.uplinkAddress)/\(prefix) dev \(RegionLayout.uplink)",
            ].joined(separator: "\n")
        ).run()
        try await HostCommand(
            "ip", ["-n", layout.outsideNamespace, "-batch", "-"],
            input: [
                "link set lo up",
                "address replace \(RegionLayout.outsideAddress)/\(prefix) dev \(RegionLayout.outsideLink)",
                "link set \(RegionLayout.outsideLink) up",
                "route replace \(publicPool) via \(RegionLayout.uplinkAddress)",
            ].joined(separator: "\n")
        ).run()
        try await HostCommand("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"], in: layout.namespacePath).run()
        // Last: an uplink that is up says the setup is whole (a crash before this finishes it next time).
        try await HostCommand(
            "ip", ["-n", layout.namespace, "-batch", "-"],
            input: [
                "link set \(RegionLayout.uplink) up", "route replace default via \(RegionLayout.outsideAddress)",
            ].joined(separator: "\n")
        ).run()
        return (made, inside)
    }
}
