import API
import Foundation
import IaasTesting
import VPCNetwork

/// A daemon running the VPC data plane in namespaces of its own (`t<random>-us-east-1` and its outside),
/// with what tests look at: HTTP from the outside namespace, the taps, dnsmasq, the NAT map. `remove()`
/// takes the namespaces, dnsmasq and the outside's hosts away again.
final class VPCFixture {
    let compute: ComputeFixture
    let layout: RegionLayout

    var client: IaasClient { compute.client }
    var image: String { compute.image }

    /// Whether this host can run the data plane (root, /dev/net/tun, the tools); why not, if not.
    static let unavailable: String? = {
        let (mode, reason) = NetworkMode.probe()
        return mode == .vpc ? nil : reason
    }()

    static func start(arguments: [String] = []) async throws -> VPCFixture {
        let prefix = "t" + String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let layout = RegionLayout(prefix: prefix, region: "us-east-1")
        do {
            let compute = try await ComputeFixture.start(
                arguments: [
                    "--network", "vpc", "--network-namespace-prefix", prefix,
                ] + arguments)
            let fixture = VPCFixture(compute: compute, layout: layout)
            try await fixture.openHTTP()
            return fixture
        } catch {
            await Self.remove(layout)
            throw error
        }
    }

    /// Runs `body` on a new fixture, and removes the fixture after, whether `body` threw or not.
    static func with<T>(arguments: [String] = [], _ body: (VPCFixture) async throws -> T) async throws -> T {
        let fixture = try await start(arguments: arguments)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    private init(compute: ComputeFixture, layout: RegionLayout) {
        self.compute = compute
        self.layout = layout
    }

    /// Lets HTTP in from anywhere to the default group's members, as a user opens port 80 on AWS: the
    /// default group admits only its own members.
    func openHTTP() async throws {
        _ = try await client.call(
            Methods.authorizeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(
                groupName: "default",
                ipPermissions: [
                    IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, ipRanges: [IpRange(cidrIp: "0.0.0.0/0")])
                ]))
    }

    /// `curl` from the outside namespace (as `ip netns exec`, so the outside's hosts file names public
    /// addresses); the page, or nil when nothing answered within two seconds.
    func outsideGet(_ host: String) async throws -> String? {
        let run = try await CommandRun.run(
            "/usr/sbin/ip", ["netns", "exec", layout.outsideNamespace, "curl", "-s", "-m", "2", "http://\(host)/"])
        return run.status == 0 ? run.stdout : nil
    }

    /// The taps in the VPC namespace.
    func taps() async throws -> [String] {
        let run = try await CommandRun.run("/usr/sbin/ip", ["-n", layout.namespace, "-o", "link", "show"])
        return run.stdout.split(separator: "\n").compactMap { line in
            let name = line.split(separator: ":").dropFirst().first?.trimmingCharacters(in: .whitespaces)
            return name.flatMap { $0.hasPrefix("tap") ? String($0.prefix { $0 != "@" }) : nil }
        }.sorted()
    }

    /// The public → private pairs of the NAT map.
    func natMappings() async throws -> [String: String] {
        let run = try await CommandRun.run(
            "/usr/sbin/ip",
            ["netns", "exec", layout.namespace, "nft", "-j", "list", "map", "ip", "iaas", "public_to_private"])
        let json = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any]
        let entries = json?["nftables"] as? [[String: Any]] ?? []
        var pairs: [String: String] = [:]
        for entry in entries {
            guard let map = entry["map"] as? [String: Any], let elements = map["elem"] as? [[Any]] else { continue }
            for element in elements where element.count == 2 {
                if let key = element[0] as? String, let value = element[1] as? String { pairs[key] = value }
            }
        }
        return pairs
    }

    /// The dnsmasq processes serving this daemon's data directory.
    func dnsmasqs() -> Int {
        let network = DataPlane.runtimeDirectory(prefix: layout.prefix).path + "/"
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.filter { pid in
            guard pid.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { return false }
            let command = String(decoding: data, as: UTF8.self)
            return command.contains("dnsmasq\u{0}--conf-file=\(network)")
        }.count
    }

    /// The default VPC's DHCP hosts: a line per instance that keeps its private address.
    func leases() -> String {
        (try? String(
            contentsOfFile: DataPlane.runtimeDirectory(prefix: layout.prefix).path
                + "/us-east-1/vpc-00000000000000001/dhcp-hosts", encoding: .utf8))
            ?? ""
    }

    /// Whether nothing of any instance is left: no tap, no NAT pair, no lease, no outside name.
    func isEmptyOfInstances() async throws -> Bool {
        let taps = try await taps()
        let mappings = try await natMappings()
        return taps.isEmpty && mappings.isEmpty && leases().isEmpty && outsideHosts() == "127.0.0.1 localhost\n"
    }

    /// The hosts file the outside namespace resolves with.
    func outsideHosts() -> String {
        (try? String(contentsOfFile: "/etc/netns/\(layout.outsideNamespace)/hosts", encoding: .utf8)) ?? ""
    }

    /// Kills the daemon and its machines, and removes the data plane and the data directory.
    func stop() async {
        compute.daemon.kill()
        for pid in compute.machines() { kill(pid, SIGKILL) }
        await Self.remove(layout)
        await compute.stop()
    }

    private static func remove(_ layout: RegionLayout) async {
        let runtime = DataPlane.runtimeDirectory(prefix: layout.prefix)
        let plane = DataPlane(directory: runtime)
        await plane.remove(layout, vpcIds: ["vpc-00000000000000001"])
        // The daemon is gone: its lock on the prefix with it.
        try? FileManager.default.removeItem(at: runtime)
    }
}
