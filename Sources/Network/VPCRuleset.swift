/// The nftables table of a region's VPC namespace, as one `nft -f` transaction that replaces the whole
/// table, so no packet ever sees half a change:
/// - 1:1 NAT between public addresses (pool or Elastic IP) and private ones, from the outside and, hairpin,
///   from another instance;
/// - a forward filter: the outside reaches only what NAT maps, and an instance without a public address
///   reaches nothing outside;
/// - security groups, stateful: every packet an instance sends passes its groups' egress rules, and every
///   packet it receives their ingress rules, unless it belongs to a flow already allowed. Taps are isolated
///   ports of their bridge and the bridge answers ARP for their neighbours, so even two instances of one
///   subnet talk through this table, as through AWS's hypervisor;
/// - source checks (a `bridge` table): a tap may send only its instance's MAC and address (ARP and IPv4;
///   nothing else), so no guest can pass for another, or for an address no instance has, to the filter or
///   to the metadata service.
struct VPCRuleset: Sendable, Equatable {
    /// Public → private, for the instances that run with a public address.
    var mappings: [Mapping]
    /// The NICs that run (a tap), with their groups.
    var members: [Member]
    var groups: [RegionPlan.SecurityGroup]

    struct Mapping: Sendable, Equatable {
        var publicAddress: String
        var privateAddress: String
    }

    struct Member: Sendable, Equatable {
        var instanceId: String
        var address: String
        var groups: [String]
        var mac: String = ""
    }

    static let table = "iaas"

    init(mappings: [Mapping], members: [Member] = [], groups: [RegionPlan.SecurityGroup] = []) {
        self.mappings = mappings
        self.members = members
        self.groups = groups
    }

    init(_ plan: RegionPlan) {
        let interfaces = plan.vpcs.flatMap(\.interfaces)
        mappings = interfaces.compactMap { interface in
            interface.publicAddress.map { Mapping(publicAddress: $0, privateAddress: interface.privateAddress) }
        }
        members = interfaces.filter(\.hasTap).map {
            Member(instanceId: $0.instanceId, address: $0.privateAddress, groups: $0.securityGroups, mac: $0.mac)
        }
        groups = plan.securityGroups
    }

    var text: String {
        let uplink = "\"\(RegionLayout.uplink)\""
        // Where public addresses are reached from: the outside, and the host when it has a route in.
        let inbound = "{ \(uplink), \"\(HostRoute.vpcLink)\" }"
        var lines = [
            "table ip \(Self.table)", "delete table ip \(Self.table)", "table ip \(Self.table) {",
            "    set with_public {", "        type ipv4_addr",
        ]
        lines += Self.elements(mappings.map(\.privateAddress))
        lines += ["    }", "    set instances {", "        type ipv4_addr"]
        lines += Self.elements(members.map(\.address))
        lines += ["    }", "    map public_to_private {", "        type ipv4_addr : ipv4_addr"]
        lines += Self.elements(mappings.map { "\($0.publicAddress) : \($0.privateAddress)" })
        lines += ["    }", "    map private_to_public {", "        type ipv4_addr : ipv4_addr"]
        lines += Self.elements(mappings.map { "\($0.privateAddress) : \($0.publicAddress)" })
        lines.append("    }")
        for group in groups {
            lines += ["    set \(Self.membersSet(group.id)) {", "        type ipv4_addr"]
            lines += Self.elements(members.filter { $0.groups.contains(group.id) }.map(\.address))
            lines.append("    }")
        }
        lines += [
            "    chain prerouting {", "        type nat hook prerouting priority dstnat; policy accept;",
            // From anywhere, instances included: one reaches another by its public address (hairpin).
            "        dnat to ip daddr map @public_to_private", "    }",
            "    chain postrouting {", "        type nat hook postrouting priority srcnat; policy accept;",
            "        oifname \(uplink) snat to ip saddr map @private_to_public",
            // Hairpin: the receiver sees the sender's public address, as through AWS's internet gateway, and
            // its replies come back through NAT.
            "        iifname != \(inbound) ct status dnat snat to ip saddr map @private_to_public", "    }",
            "    chain forward {", "        type filter hook forward priority filter; policy accept;",
            "        ct state established,related accept", "        ct state invalid drop",
            "        iifname \(inbound) oifname \(inbound) drop",
            "        iifname \(inbound) ct status & dnat == 0 drop",
            // The host's link (when there is one) carries only what the host starts, and its replies.
            "        oifname \"\(HostRoute.vpcLink)\" drop", "        oifname \(uplink) ip saddr != @with_public drop",
            // From a bridge, only instances' own addresses (the bridge table checked who sent them).
            "        iifname != \(inbound) ip saddr != @instances drop",
            // A public address is reached only from a public address, as in AWS.
            "        iifname != \(inbound) ct status dnat ip saddr != @with_public drop",
        ]
        if !members.isEmpty {
            lines.append(
                "        ip saddr vmap { "
                    + members.map { "\($0.address) : jump \(Self.chain("out", $0.instanceId))" }.joined(separator: ", ")
                    + " }")
            lines.append(
                "        ip daddr vmap { "
                    + members.map { "\($0.address) : jump \(Self.chain("in", $0.instanceId))" }.joined(separator: ", ")
                    + " }")
        }
        lines.append("    }")
        let byId = Dictionary(groups.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for member in members {
            let own = member.groups.compactMap { byId[$0] }
            // Egress: a match lets the packet on to its receiver's ingress check (`return`).
            lines.append("    chain \(Self.chain("out", member.instanceId)) {")
            for rule in own.flatMap(\.egress) { lines.append("        " + Self.match(rule, peer: "daddr") + " return") }
            lines += ["        drop", "    }"]
            lines.append("    chain \(Self.chain("in", member.instanceId)) {")
            for rule in own.flatMap(\.ingress) {
                lines.append("        " + Self.match(rule, peer: "saddr") + " accept")
            }
            lines += ["        drop", "    }"]
        }
        lines += ["}"]
        lines += sourceChecks
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// The `bridge` table: frames from a tap must carry its instance's MAC, and ARP and IPv4 its address
    /// (0.0.0.0 too, for DHCP and ARP probes); no other protocol; a tap of no running instance sends nothing.
    private var sourceChecks: [String] {
        var lines = [
            "table bridge \(Self.table)", "delete table bridge \(Self.table)", "table bridge \(Self.table) {",
            "    chain prerouting {", "        type filter hook prerouting priority -300; policy accept;",
        ]
        if !members.isEmpty {
            lines.append(
                "        iifname vmap { "
                    + members.map {
                        "\"\(RegionLayout.tap(instanceId: $0.instanceId))\" : jump \(Self.chain("port", $0.instanceId))"
                    }
                    .joined(separator: ", ") + " }")
        }
        lines += ["        iifname \"\(RegionLayout.tapPrefix)*\" drop", "    }"]
        for member in members {
            let own = "{ 0.0.0.0, \(member.address) }"
            lines += [
                "    chain \(Self.chain("port", member.instanceId)) {",
                "        ether saddr != \(member.mac) drop",
                "        ether type arp arp saddr ether != \(member.mac) drop",
                "        ether type arp arp saddr ip != \(own) drop",
                "        ether type ip ip saddr != \(own) drop",
                "        ether type != { ip, arp } drop",
                "        accept",
                "    }",
            ]
        }
        lines.append("}")
        return lines
    }

    /// A rule's match: its peer (`ip saddr` for ingress, `ip daddr` for egress) and its protocol and range.
    static func match(_ rule: RegionPlan.Rule, peer: String) -> String {
        var parts: [String] = []
        if let cidr = rule.cidr {
            parts.append("ip \(peer) \(cidr)")
        } else if let group = rule.groupId {
            parts.append("ip \(peer) @\(membersSet(group))")
        }
        switch rule.ipProtocol {
        case "-1":
            break
        case "tcp", "udp":
            let from = rule.fromPort ?? 0
            let to = rule.toPort ?? 65535
            parts.append("\(rule.ipProtocol) dport \(from == to ? "\(from)" : "\(from)-\(to)")")
        case "icmp":
            if let type = rule.fromPort, type >= 0 {
                parts.append("icmp type \(type)")
                if let code = rule.toPort, code >= 0 { parts.append("icmp code \(code)") }
            } else {
                parts.append("ip protocol icmp")
            }
        default:
            parts.append("ip protocol \(rule.ipProtocol)")
        }
        return parts.joined(separator: " ")
    }

    static func membersSet(_ groupId: String) -> String {
        "members_" + groupId.replacingOccurrences(of: "-", with: "_")
    }

    static func chain(_ direction: String, _ instanceId: String) -> String {
        direction + "_" + instanceId.replacingOccurrences(of: "-", with: "_")
    }

    private static func elements(_ items: [String]) -> [String] {
        items.isEmpty ? [] : ["        elements = { " + items.joined(separator: ", ") + " }"]
    }
}
