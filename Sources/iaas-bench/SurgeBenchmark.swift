import API
import ArgumentParser
import Foundation
import IaasTesting
import NIOCore
import NIOPosix

/// `iaas-bench surge`: Animoto's surge on the classic engine. 40 riscv32 instances, then RunInstances for
/// the rest up to `--total` in one call, each booted to its readiness line; the time until all run,
/// instances per second, the memory of the daemon and the classic workers per instance, and
/// DescribeInstances' latency while the surge goes on.
struct SurgeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surge", abstract: "Benchmark the 40 → 4,000 instance surge on the classic engine.")

    @Option(help: "Instances running before the surge.")
    var initial = 40

    @Option(help: "Instances running after it.")
    var total = 4000

    @Option(help: "The instance type (r32.nano, r32.micro, r32.small).")
    var type = "r32.nano"

    @Option(help: "The AMI's root device type: instance-store, or ebs (a root volume each).")
    var rootDeviceType = "instance-store"

    func validate() throws {
        guard initial >= 1, total > initial else { throw ValidationError("--total must be above --initial ≥ 1") }
    }

    func run() async throws {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let temporary = try TemporaryDirectory(prefix: "iaas-bench")
        defer { temporary.remove() }
        print("iaas-bench surge on \(Machine.summary); \(type), \(rootDeviceType)-backed classic os")
        let daemon = try await DaemonProcess(
            dataDirectory: temporary.path + "/data",
            arguments: ["--classic-image-directory", try ClassicGuests.directory()], logLevel: "warning")
        let client = try await daemon.client()
        let images = try await client.call(
            Methods.describeImages,
            DescribeImagesRequest(filters: [Filter(name: "architecture", values: ["riscv32"])]))
        // The instance-store-backed one, as a surge of short-lived workers would use: nothing to make at
        // launch (an EBS root is two replica files each, and a file create costs ~0.5 ms on this kind of disk).
        guard let image = images.images.first(where: { $0.rootDeviceType == rootDeviceType })?.imageId else {
            throw ValidationError("no \(rootDeviceType)-backed riscv32 AMI")
        }
        let baseline = Self.memoryMiB(daemon: daemon.pid, data: temporary.path + "/data")

        let (first, firstTook) = try await launch(initial, image: image, client: client)
        print("\(initial) instances: running in \(Self.seconds(firstTook)) s")

        let rest = total - initial
        let (second, took) = try await launch(rest, image: image, client: client)
        let memory = Self.memoryMiB(daemon: daemon.pid, data: temporary.path + "/data")
        print(
            "surge of \(rest) (RunInstances MinCount=MaxCount=\(rest)) to \(total) running: \(Self.seconds(took)) s, \(Int(Double(rest) / Self.secondsValue(took))) instances/s"
        )
        print(
            "memory (PSS of iaasd and the classic workers): \(baseline) MiB before, \(memory) MiB with \(total) running: \(String(format: "%.0f", Double(memory - baseline) * 1024 / Double(total))) KiB per instance"
        )
        print("DescribeInstances (all, while the surge ran): \(second.summary)")
        _ = first
        await client.close()
        await daemon.terminate()
    }

    /// Launches `count` instances in one RunInstances and waits until every one runs; returns the
    /// latencies of the DescribeInstances calls made meanwhile, and the time until all ran.
    private func launch(_ count: Int, image: String, client: IaasClient) async throws -> (Latency, Duration) {
        let start = ContinuousClock.now
        let reservation = try await client.call(
            Methods.runInstances,
            RunInstancesRequest(imageId: image, instanceType: type, minCount: count, maxCount: count))
        let ids = Set(reservation.instances.map(\.instanceId))
        print("  RunInstances of \(count) answered (all pending) in \(Self.seconds(ContinuousClock.now - start)) s")
        var describes = Latency()
        while true {
            let (result, took) = try await timed {
                try await client.call(
                    Methods.describeInstances,
                    DescribeInstancesRequest(filters: [Filter(name: "instance-state-name", values: ["running"])]))
            }
            describes.record(took)
            let running = result.reservations.flatMap(\.instances).filter { ids.contains($0.instanceId) }.count
            if running == ids.count { return (describes, ContinuousClock.now - start) }
            let failed = try await client.call(
                Methods.describeInstances,
                DescribeInstancesRequest(filters: [Filter(name: "instance-state-name", values: ["stopped"])]))
            if let instance = failed.reservations.flatMap(\.instances).first(where: { ids.contains($0.instanceId) }) {
                throw ValidationError("\(instance.instanceId) failed: \(instance.stateReason?.message ?? "?")")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Proportional set size of the daemon and its classic workers, MiB.
    static func memoryMiB(daemon: Int32, data: String) -> Int {
        var pids = [daemon]
        let workers = (try? FileManager.default.contentsOfDirectory(atPath: data + "/run/classic")) ?? []
        for file in workers where file.hasSuffix(".pid") {
            if let text = try? String(contentsOfFile: data + "/run/classic/" + file, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                pids.append(pid)
            }
        }
        return pids.reduce(0) { sum, pid in
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Pss:") }),
                let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
            else { return sum }
            return sum + kib / 1024
        }
    }

    static func secondsValue(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func seconds(_ duration: Duration) -> String { String(format: "%.2f", secondsValue(duration)) }
}
