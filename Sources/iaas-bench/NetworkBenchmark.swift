import API
import ArgumentParser
import Foundation
import IaasTesting
import NIOCore
import NIOPosix
import VPCNetwork

/// `iaas-bench network`: the VPC data plane with real guests. Instance ↔ instance latency (ping) and TCP
/// throughput (an HTTP GET of a file in RAM) across the bridge, the same GET from the outside namespace
/// through NAT, and how long an Elastic IP association and a security group rule take to carry traffic.
struct NetworkBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network", abstract: "Benchmark the VPC data plane (as root: namespaces, NAT, security groups).")

    @Option(help: "Repetitions of each measurement.")
    var rounds = 5

    @Option(help: "MiB each throughput transfer moves.")
    var megabytes = 64

    func run() async throws {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let (mode, reason) = NetworkMode.probe()
        guard mode == .vpc else {
            print("iaas-bench network needs the VPC data plane, which this host cannot run: \(reason)")
            throw ExitCode(2)
        }
        let temporary = try TemporaryDirectory(prefix: "iaas-bench")
        defer { temporary.remove() }
        let prefix = "bench" + String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let layout = RegionLayout(prefix: prefix, region: "us-east-1")
        let data = temporary.path + "/data"
        print("iaas-bench network on \(Machine.summary)")
        print("guests: t3.nano under QEMU TCG, microvm, virtio-net on taps; namespaces \(layout.namespace)")
        let daemon = try await DaemonProcess(
            dataDirectory: data,
            arguments: [
                "--image-directory", try GuestImage.directory(), "--network", "vpc", "--network-namespace-prefix",
                prefix,
            ], logLevel: "notice")
        do {
            try await measure(daemon: daemon, layout: layout, data: data)
        } catch {
            await Self.cleanUp(daemon: daemon, layout: layout, data: data)
            throw error
        }
        await Self.cleanUp(daemon: daemon, layout: layout, data: data)
    }

    private func measure(daemon: DaemonProcess, layout: RegionLayout, data: String) async throws {
        let client = try await daemon.client()
        let image = try await client.defaultImage()
        let group = try await client.call(
            Methods.describeSecurityGroups, DescribeSecurityGroupsRequest(groupNames: ["default"])
        ).securityGroups[0].groupId
        let http = IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, ipRanges: [IpRange(cidrIp: "0.0.0.0/0")])
        _ = try await client.call(
            Methods.authorizeSecurityGroupIngress,
            SecurityGroupPermissionsRequest(groupId: group, ipPermissions: [http]))
        let reservation = try await client.call(
            Methods.runInstances, RunInstancesRequest(imageId: image, instanceType: "t3.nano", minCount: 2, maxCount: 2)
        )
        var instances: [Instance] = []
        for launched in reservation.instances {
            instances.append(try await client.waitForInstance(launched.instanceId, state: "running"))
        }
        let (a, b) = (instances[0], instances[1])
        let shellA = try GuestShell(
            socket: data + "/run/\(a.instanceId)/shell.sock", log: data + "/run/\(a.instanceId)/shell.log")
        let shellB = try GuestShell(
            socket: data + "/run/\(b.instanceId)/shell.sock", log: data + "/run/\(b.instanceId)/shell.log")
        _ = try await shellA.run("dd if=/dev/zero of=/www/big bs=1048576 count=\(megabytes) 2>/dev/null; echo ok")

        // Latency: ping across the bridge (through the namespace's forward filter).
        let ping = try await shellB.run("ping -c \(rounds * 4) -i 0.2 \(a.privateIpAddress) | tail -n 1")
        print("instance ↔ instance ping (\(rounds * 4) packets): \(ping)")

        // Throughput: B gets A's file by HTTP; the outside gets it through NAT by A's public address.
        var inside: [Double] = []
        var outside: [Double] = []
        let publicA = try require(a.publicIpAddress)
        for _ in 0..<rounds {
            let (_, took) = try await timed {
                try await shellB.run(
                    "wget -q -O /dev/null http://\(a.privateIpAddress)/big; echo $?", timeout: .seconds(300))
            }
            inside.append(Double(megabytes) / took.totalSeconds)
            outside.append(try await outsideSpeed(layout, host: publicA) / 1_048_576)
        }
        print("instance → instance HTTP GET \(megabytes) MiB: \(Self.summary(inside)) MiB/s (guest-side wget, TCG)")
        print("outside → public IP (NAT) HTTP GET \(megabytes) MiB: \(Self.summary(outside)) MiB/s (curl)")

        // An Elastic IP moved between the two: from the call to the first page from the new instance.
        let eip = try await client.call(Methods.allocateAddress, AllocateAddressRequest(domain: "vpc"))
        // The call returns once the data plane applied the change; the page needs a curl process besides.
        var association = Latency()
        var associationCall = Latency()
        for round in 0..<rounds * 2 {
            let target = round % 2 == 0 ? a : b
            let start = ContinuousClock.now
            _ = try await client.call(
                Methods.associateAddress,
                AssociateAddressRequest(
                    allocationId: eip.allocationId, instanceId: target.instanceId, allowReassociation: true))
            associationCall.record(ContinuousClock.now - start)
            try await until {
                try await outsideGet(layout, host: eip.publicIp)?.contains(target.privateIpAddress) == true
            }
            association.record(ContinuousClock.now - start)
        }
        print("AssociateAddress call (returns once applied): \(associationCall.summary)")
        print("Elastic IP association → its new instance answers: \(association.summary)")

        // A security group rule: from AuthorizeSecurityGroupIngress to the first page through it.
        var rule = Latency()
        var ruleCall = Latency()
        for _ in 0..<rounds {
            _ = try await client.call(
                Methods.revokeSecurityGroupIngress,
                SecurityGroupPermissionsRequest(groupId: group, ipPermissions: [http]))
            let start = ContinuousClock.now
            _ = try await client.call(
                Methods.authorizeSecurityGroupIngress,
                SecurityGroupPermissionsRequest(groupId: group, ipPermissions: [http]))
            ruleCall.record(ContinuousClock.now - start)
            // The Elastic IP: the last association left it with B.
            try await until { try await outsideGet(layout, host: eip.publicIp) != nil }
            rule.record(ContinuousClock.now - start)
        }
        print("AuthorizeSecurityGroupIngress call (returns once applied): \(ruleCall.summary)")
        print("security group rule authorized → traffic passes: \(rule.summary)")
        await client.close()
    }

    /// curl's measured download speed (bytes/s) of `/big` from the outside namespace.
    private func outsideSpeed(_ layout: RegionLayout, host: String) async throws -> Double {
        let run = try await CommandRun.run(
            "/usr/sbin/ip",
            [
                "netns", "exec", layout.outsideNamespace, "curl", "-s", "-o", "/dev/null", "-w", "%{speed_download}",
                "http://\(host)/big",
            ])
        guard run.status == 0, let speed = Double(run.stdout) else {
            throw ValidationError("curl from the outside failed: \(run.stderr)")
        }
        return speed
    }

    private func outsideGet(_ layout: RegionLayout, host: String) async throws -> String? {
        let run = try await CommandRun.run(
            "/usr/sbin/ip", ["netns", "exec", layout.outsideNamespace, "curl", "-s", "-m", "1", "http://\(host)/"])
        return run.status == 0 ? run.stdout : nil
    }

    private func until(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw ValidationError("not within 30 s") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    private static func summary(_ values: [Double]) -> String {
        let sorted = values.sorted()
        return String(format: "median %.1f (min %.1f, max %.1f)", sorted[sorted.count / 2], sorted.first!, sorted.last!)
    }

    /// The daemon, its machines and the data plane go; nothing of the run is left on the host.
    private static func cleanUp(daemon: DaemonProcess, layout: RegionLayout, data: String) async {
        daemon.kill()
        let run = data + "/run"
        for id in (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? [] {
            if let text = try? String(contentsOfFile: "\(run)/\(id)/vmm.pid", encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(pid, SIGKILL)
            }
        }
        let runtime = DataPlane.runtimeDirectory(prefix: layout.prefix)
        await DataPlane(directory: runtime).remove(layout, vpcIds: ["vpc-00000000000000001"])
        try? FileManager.default.removeItem(at: runtime)
    }
}

private func require<T>(_ value: T?) throws -> T {
    guard let value else { throw ValidationError("a value the benchmark needs is missing") }
    return value
}
