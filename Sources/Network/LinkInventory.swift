import Foundation

/// The links of a namespace as `ip -j -d link show` lists them: what an apply compares with its plan.
struct LinkInventory: Sendable {
    struct Link: Sendable, Equatable {
        var name: String
        /// `bridge`, `tun`, `veth`, … (nil for a plain device such as `lo`).
        var kind: String?
        var master: String?
        var up: Bool
        /// An isolated bridge port: it reaches only the bridge itself, never another port.
        var isolated: Bool = false
    }

    var links: [String: Link]

    init(links: [Link]) {
        self.links = Dictionary(links.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Parses `ip -j -d link show`; output it cannot read is an empty inventory (every link is then made again,
    /// and `ip` refuses what exists: the apply fails with its reason rather than guessing).
    init(json: String) {
        let parsed = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [[String: Any]] ?? []
        self.init(
            links: parsed.compactMap { entry in
                guard let name = entry["ifname"] as? String else { return nil }
                let info = entry["linkinfo"] as? [String: Any]
                let flags = entry["flags"] as? [String] ?? []
                let port = info?["info_slave_data"] as? [String: Any]
                return Link(
                    name: name, kind: info?["info_kind"] as? String, master: entry["master"] as? String,
                    up: flags.contains("UP"), isolated: port?["isolated"] as? Bool ?? false)
            })
    }

    static func read(namespace: String) async throws(NetworkError) -> LinkInventory {
        LinkInventory(json: try await HostCommand("ip", ["-n", namespace, "-j", "-d", "link", "show"]).run())
    }

    /// The taps iaas made (its name prefix), whoever they belonged to.
    var taps: Set<String> {
        Set(links.values.filter { $0.kind == "tun" && $0.name.hasPrefix(RegionLayout.tapPrefix) }.map(\.name))
    }
}
