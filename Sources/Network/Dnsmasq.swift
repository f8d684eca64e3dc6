import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One dnsmasq per VPC, in the VPC namespace, on the VPC's bridge: DHCP (each instance's MAC → its private
/// address and hostname; no other client gets a lease) and DNS (the VPC's names, nothing forwarded
/// anywhere). It daemonizes, so it outlives the daemon, as the machines do; the next daemon finds it by its
/// pid file and command line.
struct Dnsmasq: Sendable {
    var directory: URL
    var vpc: RegionPlan.VPC
    var domain: String

    var configuration: URL { directory.appendingPathComponent("dnsmasq.conf") }
    var dhcpHosts: URL { directory.appendingPathComponent("dhcp-hosts") }
    var hosts: URL { directory.appendingPathComponent("hosts") }
    var pidFile: URL { directory.appendingPathComponent("dnsmasq.pid") }
    var log: URL { directory.appendingPathComponent("dnsmasq.log") }

    /// The configuration. dnsmasq drops to `nobody` once its sockets are open (guests talk to it), so its
    /// files are world-readable, under /run rather than in the data directory.
    var configurationText: String {
        var lines = [
            "# Written by iaasd: the DHCP and DNS of \(vpc.id). Changes are overwritten.",
            "interface=\(vpc.bridge)", "bind-dynamic", "except-interface=lo", "no-resolv", "no-hosts", "no-poll",
            "user=nobody", "group=nogroup", "leasefile-ro", "dhcp-authoritative", "domain=\(domain)",
            "local=/\(domain)/",
            "dhcp-option=option:dns-server,\(vpc.dnsAddress)", "dhcp-option=option:domain-name,\(domain)",
            "dhcp-hostsfile=\(dhcpHosts.path)", "addn-hosts=\(hosts.path)", "pid-file=\(pidFile.path)",
            "log-facility=\(log.path)",
        ]
        for subnet in vpc.subnets {
            lines.append("dhcp-range=\(subnet.base),static,\(Self.netmask(subnet.prefixLength)),1h")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `MAC,address,hostname` per NIC of the VPC, stopped instances included: an address is the instance's
    /// from launch to termination.
    var dhcpHostsText: String {
        vpc.interfaces.map { "\($0.mac),\($0.privateAddress),\($0.hostname)\n" }.joined()
    }

    /// The VPC's names, all resolving to private addresses (inside a VPC, AWS resolves an external hostname
    /// to the private address too).
    var hostsText: String {
        vpc.interfaces.map { ([$0.privateAddress] + $0.names).joined(separator: " ") + "\n" }.joined()
    }

    static func netmask(_ prefixLength: Int) -> String {
        let mask = prefixLength == 0 ? UInt32(0) : ~UInt32(0) << UInt32(32 - prefixLength)
        return [24, 16, 8, 0].map { String((mask >> UInt32($0)) & 0xff) }.joined(separator: ".")
    }

    /// The pid of this VPC's dnsmasq if it runs: its pid file names a live dnsmasq of this configuration.
    var runningPid: pid_t? {
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
            let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
        else { return nil }
        let arguments = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains("--conf-file=\(configuration.path)") ? pid : nil
    }

    /// What an apply did: `started`, `reloaded` or nothing, for the log; and whether the leases changed.
    struct Outcome {
        var action: String?
        var leasesChanged: Bool
    }

    /// Writes the files, and starts dnsmasq, restarts it (its configuration changed) or makes it re-read its
    /// hosts (they changed).
    /// - Parameter forceReload: signal a running dnsmasq even if no file changed (the first apply after a
    ///   start: a crash may have come between a file's rename and the signal).
    func apply(in namespacePath: String, forceReload: Bool = false) async throws(NetworkError) -> Outcome {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .fileFailed(path: directory.path, reason: "\(error)")
        }
        // The daemon's umask is 077: nobody must still reach the directory (and, below, read the files).
        var level = directory
        while level.path.hasPrefix("/run/") && level.path != "/run" {
            chmod(level.path, 0o755)
            level = level.deletingLastPathComponent()
        }
        let configurationChanged = try Self.write(configurationText, to: configuration)
        let leasesChanged = try Self.write(dhcpHostsText, to: dhcpHosts)
        let namesChanged = try Self.write(hostsText, to: hosts)
        let hostsChanged = leasesChanged || namesChanged
        if let pid = runningPid {
            // Replaced when its configuration changed, or when it was left in a namespace that was removed and
            // made again, where it serves nobody; else told to read its hosts again.
            guard configurationChanged || !Self.isIn(namespacePath, pid: pid) else {
                if hostsChanged || forceReload { _ = kill(pid, SIGHUP) }
                return Outcome(action: hostsChanged ? "reloaded" : nil, leasesChanged: leasesChanged)
            }
            _ = kill(pid, SIGTERM)
            await Self.waitForExit(pid)
        }
        try await HostCommand("dnsmasq", ["--conf-file=\(configuration.path)"], in: namespacePath).run()
        return Outcome(action: "started", leasesChanged: leasesChanged)
    }

    /// Whether process `pid` runs in the network namespace mounted at `path` (the same nsfs inode).
    static func isIn(_ path: String, pid: pid_t) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0,
            let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net")
        else { return false }
        return link == "net:[\(status.st_ino)]"
    }

    /// Ends this VPC's dnsmasq, if it runs.
    func stop() async {
        guard let pid = runningPid else { return }
        _ = kill(pid, SIGTERM)
        await Self.waitForExit(pid)
    }

    private static func waitForExit(_ pid: pid_t) async {
        for _ in 0..<100 where kill(pid, 0) == 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if kill(pid, 0) == 0 { _ = kill(pid, SIGKILL) }
    }

    /// Replaces the file (a rename: dnsmasq never reads half of it) if its text differs; says whether the
    /// text changed (a missing file reads as empty). Not synced: every file here is made again from the
    /// tables at each apply.
    static func write(_ text: String, to url: URL) throws(NetworkError) -> Bool {
        let old = try? String(contentsOf: url, encoding: .utf8)
        if old == text { return false }
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw .fileFailed(path: url.path, reason: "\(error)")
        }
        chmod(url.path, 0o644)
        return (old ?? "") != text
    }
}
