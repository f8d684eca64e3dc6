/// The nftables table of a region's VPC namespace, as one `nft -f` transaction that replaces the whole
/// table: 1:1 NAT between public addresses (pool or Elastic IP) and private ones, and a forward filter so
/// that the outside reaches only what NAT maps and an instance without a public address reaches nothing
/// outside. Replacing the table at once means no packet ever sees half a change.
struct NATRuleset: Sendable, Equatable {
    /// Public → private, for the instances that run with a public address.
    var mappings: [(public: String, private: String)]

    static func == (lhs: NATRuleset, rhs: NATRuleset) -> Bool {
        lhs.mappings.map { [$0.public, $0.private] } == rhs.mappings.map { [$0.public, $0.private] }
    }

    static let table = "iaas"

    var text: String {
        let uplink = "\"\(RegionLayout.uplink)\""
        let inbound = mappings.map { "\($0.public) : \($0.private)" }
        let outbound = mappings.map { "\($0.private) : \($0.public)" }
        let publicSources = mappings.map(\.private)
        return """
            table ip \(Self.table)
            delete table ip \(Self.table)
            table ip \(Self.table) {
                set with_public {
                    type ipv4_addr
            \(Self.elements(publicSources))
                }
                map public_to_private {
                    type ipv4_addr : ipv4_addr
            \(Self.elements(inbound))
                }
                map private_to_public {
                    type ipv4_addr : ipv4_addr
            \(Self.elements(outbound))
                }
                chain prerouting {
                    type nat hook prerouting priority dstnat; policy accept;
                    iifname \(uplink) dnat to ip daddr map @public_to_private
                }
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname \(uplink) snat to ip saddr map @private_to_public
                }
                chain forward {
                    type filter hook forward priority filter; policy accept;
                    iifname \(uplink) oifname \(uplink) drop
                    iifname \(uplink) ct status dnat accept
                    iifname \(uplink) ct state established,related accept
                    iifname \(uplink) drop
                    oifname \(uplink) ip saddr != @with_public drop
                }
            }

            """
    }

    private static func elements(_ items: [String]) -> String {
        items.isEmpty ? "" : "        elements = { " + items.joined(separator: ", ") + " }"
    }
}
