import Foundation
import Logging
import Store

/// The VPC data plane of the daemon's regions, as root: per region a namespace with a bridge per VPC, a tap
/// per instance NIC, a dnsmasq per VPC and the NAT table, and an "outside" namespace joined to it by a veth
/// pair, from which public addresses answer. Nothing here touches the host's own interfaces, routes or
/// firewall: every command runs inside the two namespaces, but for making them and their link.
///
/// `apply` makes a region match a plan, whatever state it starts from (nothing yet, a crash half-way, a
/// daemon restart with everything in place): it is the reconciler and the change alike. Applies of one
/// region run one at a time, in the order asked, and each computes its plan once it holds the region, so
/// an older view of the tables never undoes a newer one. One that fails is tried again, with back-off,
/// until one succeeds.
public actor DataPlane {
    /// Where dnsmasq's files live: `<runtime>/<region>/<vpc-id>/` (see `runtimeDirectory`).
    let directory: URL
    /// Where `ip netns exec` finds a namespace's own `/etc/hosts`: the outside's names of public addresses.
    let namespaceEtc: URL
    private let logger = Logger(label: "iaas.network")
    /// The table last applied per region, so an apply that changes no address or rule spends no `nft` run.
    private var appliedNAT: [String: VPCRuleset] = [:]
    /// Bridges whose sysctls this daemon has set (`<namespace>/<bridge>`).
    private var configuredBridges: Set<String> = []
    /// dnsmasqs this daemon has made read their hosts files (`<namespace>/<vpc>`): the first apply after a
    /// start signals even when the files did not change, since a crash may have come between the two.
    private var reloadedServers: Set<String> = []
    /// Regions whose last apply failed, with the task that applies them again.
    private var retries: [String: Task<Void, Never>] = [:]
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// The data plane's runtime files for a namespace prefix: `/run/iaasd/netns-<prefix>`. Under /run, as the
    /// kernel objects they describe are gone after a reboot too; readable by dnsmasq, which drops to `nobody`
    /// and reads its hosts files again at each SIGHUP. (The data directory is its owner's alone.) Also where
    /// the daemon locks the prefix.
    public static func runtimeDirectory(prefix: String) -> URL {
        URL(fileURLWithPath: "/run/iaasd/netns-\(prefix)")
    }

    public init(directory: URL, namespaceEtc: URL = URL(fileURLWithPath: "/etc/netns")) {
        self.directory = directory
        self.namespaceEtc = namespaceEtc
    }

    /// Makes the region's data plane what `makePlan` says, computing the plan once the region is held. A
    /// failure is thrown, and the apply is tried again in the background until one succeeds.
    public func apply(region: String, plan makePlan: @escaping @Sendable () async throws -> RegionPlan)
        async throws
    {
        await acquire(region)
        defer { release(region) }
        do {
            let plan = try await makePlan()
            do {
                try await applyNow(plan)
            } catch {
                // The next apply starts from what is there, not from what this one believed.
                forget(plan.layout)
                throw error
            }
            retries[region] = nil
        } catch {
            retry(region, makePlan)
            throw error
        }
    }

    /// Tries a failed region again after 2 s, then 4, 8, … up to a minute apart, until an apply succeeds.
    private func retry(_ region: String, _ makePlan: @escaping @Sendable () async throws -> RegionPlan) {
        guard retries[region] == nil else { return }
        retries[region] = Task { [logger] in
            var delay = Duration.seconds(2)
            while !Task.isCancelled {
                try? await Task.sleep(for: delay)
                do {
                    try await self.apply(region: region, plan: makePlan)
                    logger.notice("VPC data plane applied after a failure", metadata: ["iaas.region": "\(region)"])
                    return
                } catch {
                    logger.error(
                        "VPC data plane still failing; trying again",
                        metadata: ["iaas.region": "\(region)", "iaas.error": "\(error)"])
                    delay = min(delay * 2, .seconds(60))
                }
            }
        }
    }

    /// Drops what this daemon believes of a region's namespace, so the next apply checks it all.
    private func forget(_ layout: RegionLayout) {
        appliedNAT[layout.region] = nil
        configuredBridges = configuredBridges.filter { !$0.hasPrefix(layout.namespace + "/") }
        reloadedServers = reloadedServers.filter { !$0.hasPrefix(layout.namespace + "/") }
    }

    private func applyNow(_ plan: RegionPlan) async throws(NetworkError) {
        let layout = plan.layout
        let (made, inventory) = try await NamespaceSetup(layout: layout, publicPool: plan.publicPool).ensure()
        // A namespace made now (first start, or removed behind the daemon's back) has none of what was applied.
        if made { forget(layout) }
        let (commands, created, removed) = Self.linkCommands(plan, inventory: inventory)
        if !commands.isEmpty {
            try await HostCommand(
                "ip", ["-n", layout.namespace, "-batch", "-"], input: commands.joined(separator: "\n")
            )
            .run()
        }
        for tap in created {
            logger.info("tap created", metadata: ["iaas.tap": "\(tap)", "iaas.region": "\(layout.region)"])
        }
        for tap in removed {
            logger.info("tap removed", metadata: ["iaas.tap": "\(tap)", "iaas.region": "\(layout.region)"])
        }
        try await configureBridges(plan)
        // The named points are reached only by an apply that changes an instance's piece: a daemon armed to
        // crash at one still starts on an empty cloud.
        if !created.isEmpty || !removed.isEmpty { await CrashPoint.reach("network.apply.after-taps") }
        var leasesChanged = false
        for vpc in plan.vpcs {
            let server = Dnsmasq(
                directory: directory.appendingPathComponent(layout.region).appendingPathComponent(vpc.id), vpc: vpc,
                domain: plan.domain)
            let key = layout.namespace + "/" + vpc.id
            let outcome = try await server.apply(
                in: layout.namespacePath, forceReload: !reloadedServers.contains(key))
            reloadedServers.insert(key)
            leasesChanged = leasesChanged || outcome.leasesChanged
            if let action = outcome.action {
                logger.info(
                    "dnsmasq \(action)", metadata: ["iaas.vpc.id": "\(vpc.id)", "iaas.region": "\(layout.region)"])
            }
        }
        if leasesChanged { await CrashPoint.reach("network.apply.after-dhcp") }
        let nat = VPCRuleset(plan)
        if appliedNAT[layout.region] != nat {
            try await HostCommand("nft", ["-f", "-"], in: layout.namespacePath, input: nat.text).run()
            appliedNAT[layout.region] = nat
            logger.debug(
                "NAT and security groups applied",
                metadata: [
                    "iaas.region": "\(layout.region)", "iaas.mappings": "\(nat.mappings.count)",
                    "iaas.members": "\(nat.members.count)",
                ])
            if !nat.mappings.isEmpty { await CrashPoint.reach("network.apply.after-nat") }
        }
        try writeOutsideHosts(plan)
        try await HostRoute.apply(
            plan.hostRoute, layout: layout, pool: plan.publicPool, addresses: nat.mappings.map(\.publicAddress))
    }

    /// The `ip -batch` lines that make the links match the plan: bridges with their routers' and DNS's
    /// addresses, taps made and enslaved, taps of no planned NIC deleted. Also the taps made and removed.
    static func linkCommands(_ plan: RegionPlan, inventory: LinkInventory) -> (
        commands: [String], created: [String], removed: [String]
    ) {
        var commands: [String] = []
        var created: [String] = []
        for vpc in plan.vpcs {
            let bridge = vpc.bridge
            if inventory.links[bridge] == nil { commands.append("link add \(bridge) type bridge") }
            // `replace` is idempotent: the same lines on a bridge that has them change nothing.
            for subnet in vpc.subnets {
                commands.append("address replace \(subnet.router)/\(subnet.prefixLength) dev \(bridge)")
            }
            commands.append("address replace \(vpc.dnsAddress)/32 dev \(bridge)")
            commands.append("address replace \(RegionLayout.metadataAddress)/32 dev \(bridge)")
            if inventory.links[bridge]?.up != true { commands.append("link set \(bridge) up") }
            for interface in vpc.interfaces where interface.hasTap {
                let tap = interface.tap
                let link = inventory.links[tap]
                if link == nil {
                    commands.append("tuntap add dev \(tap) mode tap")
                    created.append(tap)
                }
                if link?.master != bridge || link?.up != true {
                    commands.append("link set \(tap) master \(bridge) up")
                }
                // Isolated: two instances never meet at layer 2; the bridge answers ARP for the neighbours
                // (proxy_arp_pvlan), so their packets pass the namespace's forward filter (security groups).
                if link?.isolated != true { commands.append("link set dev \(tap) type bridge_slave isolated on") }
            }
        }
        let planned = Set(plan.vpcs.flatMap(\.interfaces).filter(\.hasTap).map(\.tap))
        let removed = inventory.taps.subtracting(planned).sorted()
        commands += removed.map { "link delete \($0)" }
        return (commands, created, removed)
    }

    /// The bridges' routing settings, once per bridge and daemon (a sysctl is idempotent): proxy ARP among
    /// isolated ports, answered at once, and no ICMP redirect telling a guest to go around the filter.
    private func configureBridges(_ plan: RegionPlan) async throws(NetworkError) {
        let bridges = plan.vpcs.map(\.bridge).filter { !configuredBridges.contains(plan.layout.namespace + "/" + $0) }
        guard !bridges.isEmpty else { return }
        // br_netfilter, where the kernel has it, would run a bridged frame through the IP hooks and, once
        // DNAT pointed it at a neighbour on the same bridge, bridge it there (between isolated ports: dropped).
        // Nothing here is bridged between instances, so it has nothing to do. (`-e`: absent keys are fine.)
        var settings = [
            "net.ipv4.conf.all.send_redirects=0", "net.bridge.bridge-nf-call-iptables=0",
            "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0",
        ]
        for bridge in bridges {
            settings += [
                "net.ipv4.conf.\(bridge).proxy_arp=1", "net.ipv4.conf.\(bridge).proxy_arp_pvlan=1",
                "net.ipv4.conf.\(bridge).send_redirects=0",
                // Proxied ARP answers are delayed up to 0.8 s by default (for routers that race a real host):
                // every neighbour here is proxied, so they are answered at once.
                "net.ipv4.neigh.\(bridge).proxy_delay=0",
            ]
        }
        try await HostCommand("sysctl", ["-q", "-e", "-w"] + settings, in: plan.layout.namespacePath).run()
        for bridge in bridges { configuredBridges.insert(plan.layout.namespace + "/" + bridge) }
    }

    /// `/etc/netns/<outside>/hosts`, which `ip netns exec` mounts over `/etc/hosts`: the outside resolves
    /// external hostnames to public addresses.
    private func writeOutsideHosts(_ plan: RegionPlan) throws(NetworkError) {
        let directory = namespaceEtc.appendingPathComponent(plan.layout.outsideNamespace)
        let lines =
            ["127.0.0.1 localhost"]
            + plan.vpcs.flatMap(\.interfaces).compactMap { interface in
                guard let address = interface.publicAddress, let name = interface.publicName else { return nil }
                return "\(address) \(name)"
            }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileFailed(path: directory.path, reason: "\(error)")
        }
        // World-readable (the file by `write`): `ip netns exec` reads it as whoever runs it.
        _ = try Dnsmasq.write(lines.joined(separator: "\n") + "\n", to: directory.appendingPathComponent("hosts"))
        chmod(directory.path, 0o755)
    }

    /// Removes a region's data plane: its dnsmasqs, both namespaces (with their links; a tap a machine still
    /// holds goes with the machine) and the outside's hosts. For tests, and for a user who removes a cloud.
    public func remove(_ layout: RegionLayout, vpcIds: [String]) async {
        await acquire(layout.region)
        defer { release(layout.region) }
        for vpc in vpcIds {
            let server = Dnsmasq(
                directory: directory.appendingPathComponent(layout.region).appendingPathComponent(vpc),
                vpc: RegionPlan.VPC(id: vpc, cidr: "", dnsAddress: "", subnets: [], interfaces: []), domain: "")
            await server.stop()
        }
        // The host's end of a host route, at once: the namespace (and the peer with it) lasts while a dying
        // machine still holds it.
        let hostLink = HostRoute.hostLink(layout)
        if FileManager.default.fileExists(atPath: "/sys/class/net/\(hostLink)") {
            _ = try? await HostCommand("ip", ["link", "delete", hostLink]).run()
        }
        for namespace in [layout.namespace, layout.outsideNamespace]
        where FileManager.default.fileExists(atPath: RegionLayout.mount(namespace)) {
            _ = try? await HostCommand("ip", ["netns", "delete", namespace]).run()
        }
        try? FileManager.default.removeItem(at: namespaceEtc.appendingPathComponent(layout.outsideNamespace))
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(layout.region))
        forget(layout)
        retries.removeValue(forKey: layout.region)?.cancel()
    }

    private func acquire(_ region: String) async {
        if busy.insert(region).inserted { return }
        await withCheckedContinuation { waiting[region, default: []].append($0) }
    }

    private func release(_ region: String) {
        if var queue = waiting[region], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[region] = queue
            next.resume()
        } else {
            busy.remove(region)
        }
    }
}
