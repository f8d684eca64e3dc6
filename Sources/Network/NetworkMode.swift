import Foundation

/// How instances are networked on this host.
public enum NetworkMode: String, Sendable, Codable, CaseIterable {
    /// The VPC data plane: namespaces, bridges, taps, dnsmasq and NAT (as root).
    case vpc
    /// QEMU's user-mode networking with `restrict=on`: each guest alone, its address and hostname by DHCP,
    /// its port 80 forwarded to the host's loopback.
    case user

    /// What user mode lacks, as `iaasctl status` says it.
    public static let userModeLimits =
        "user-mode networking: instances do not reach each other, public and Elastic IPs do not answer, and each guest's port 80 is forwarded to 127.0.0.1"

    /// The tools the VPC data plane runs (Debian: iproute2, nftables, dnsmasq-base, util-linux, procps).
    public static let requiredTools = ["ip", "nft", "dnsmasq", "nsenter", "sysctl"]

    /// `vpc` when this process can build the data plane (root, /dev/net/tun, the tools), else `user` with
    /// the reason.
    public static func probe() -> (mode: NetworkMode, reason: String) {
        guard geteuid() == 0 else { return (.user, "not root") }
        guard access("/dev/net/tun", R_OK | W_OK) == 0 else { return (.user, "/dev/net/tun is not usable") }
        let missing = requiredTools.filter { HostCommand.locate($0) == nil }
        guard missing.isEmpty else { return (.user, "missing \(missing.joined(separator: ", "))") }
        return (.vpc, "root, with \(requiredTools.joined(separator: ", "))")
    }
}
