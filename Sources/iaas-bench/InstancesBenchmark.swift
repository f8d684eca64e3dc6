import API
import ArgumentParser
import Foundation
import IaasTesting
import NIOCore
import NIOPosix

/// `iaas-bench instances`: the default AMI booted by bare QEMU (the same kernel, initramfs and machine
/// type, no disk or network) against RunInstances → running for 1 and 10 instances, stop and start,
/// attach and detach, and the memory an idle instance's QEMU holds.
struct InstancesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instances", abstract: "Benchmark EC2 instances (real QEMU guests).")

    @Option(help: "Boots of each kind for the single-instance figures.")
    var rounds = 5

    @Option(help: "Instances launched at once for the concurrent figure.")
    var concurrent = 10

    func run() async throws {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let temporary = try TemporaryDirectory(prefix: "iaas-bench")
        defer { temporary.remove() }
        let images = try GuestImage.directory()
        print("iaas-bench instances on \(Machine.summary)")
        print("iaasd: \(try DaemonProcess.binary()); default AMI in \(images); QEMU TCG, microvm")

        var bare = Latency()
        for round in 0..<rounds {
            bare.record(try await bareBoot(images: images, directory: temporary.path + "/bare\(round)"))
        }
        print("bare QEMU, kernel to readiness line: \(bare.summary)")

        let daemon = try await DaemonProcess(
            dataDirectory: temporary.path + "/data", arguments: ["--image-directory", images], logLevel: "notice")
        let client = try await daemon.client()
        let image = try await client.defaultImage()

        var single = Latency()
        for _ in 0..<rounds {
            let (instance, took) = try await timed {
                let launched = try await client.runInstance(image: image)
                try await client.waitForInstance(launched.instanceId, state: "running")
                return launched
            }
            single.record(took)
            _ = try await client.call(
                Methods.terminateInstances, InstanceIdsRequest(instanceIds: [instance.instanceId]))
            try await client.waitForInstance(instance.instanceId, state: "terminated")
        }
        print("RunInstances → running, 1 instance: \(single.summary)")

        let start = ContinuousClock.now
        let reservation = try await client.call(
            Methods.runInstances,
            RunInstancesRequest(imageId: image, instanceType: "t3.nano", minCount: concurrent, maxCount: concurrent))
        var many = Latency()
        var pending = Set(reservation.instances.map(\.instanceId))
        while !pending.isEmpty {
            for id in pending where try await client.instance(id).state.name == "running" {
                many.record(ContinuousClock.now - start)
                pending.remove(id)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        print("RunInstances → running, \(concurrent) at once: \(many.summary) (p90 \(many.millis(90)))")

        try await Task.sleep(for: .seconds(5))
        func memory(_ file: String, _ field: String) -> [Int] {
            reservation.instances.compactMap { instance in
                Self.memoryMiB(
                    dataDirectory: temporary.path + "/data", id: instance.instanceId, file: file, field: field)
            }
        }
        let rss = memory("status", "VmRSS:")
        // PSS shares the pages the machines have in common (the kernel file, QEMU's code) among them.
        let pss = memory("smaps_rollup", "Pss:")
        print(
            "RSS of an idle instance's QEMU (t3.nano, 512 MiB guest): mean \(rss.reduce(0, +) / max(1, rss.count)) MiB, max \(rss.max() ?? 0) MiB; PSS with \(concurrent) running: mean \(pss.reduce(0, +) / max(1, pss.count)) MiB"
        )

        let one = reservation.instances[0].instanceId
        var stops = Latency()
        var starts = Latency()
        for _ in 0..<3 {
            stops.record(
                try await timed {
                    _ = try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [one]))
                    try await client.waitForInstance(one, state: "stopped")
                }.1)
            starts.record(
                try await timed {
                    _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [one]))
                    try await client.waitForInstance(one, state: "running")
                }.1)
        }
        print("StopInstances → stopped (guest powers off): \(stops.summary)")
        print("StartInstances → running: \(starts.summary)")

        var attaches = Latency()
        var detaches = Latency()
        let volume = try await client.newVolume()
        for _ in 0..<3 {
            attaches.record(
                try await timed {
                    _ = try await client.call(
                        Methods.attachVolume, AttachVolumeRequest(volumeId: volume, instanceId: one, device: "/dev/sdf")
                    )
                    try await client.waitForVolume(volume, state: "in-use", attachment: "attached")
                }.1)
            detaches.record(
                try await timed {
                    _ = try await client.call(Methods.detachVolume, DetachVolumeRequest(volumeId: volume))
                    try await client.waitForVolume(volume, state: "available")
                }.1)
        }
        print("AttachVolume → attached (hot-plug): \(attaches.summary)")
        print("DetachVolume → available (the guest releases it): \(detaches.summary)")

        _ = try await client.call(
            Methods.terminateInstances, InstanceIdsRequest(instanceIds: reservation.instances.map(\.instanceId)))
        for instance in reservation.instances {
            try await client.waitForInstance(instance.instanceId, state: "terminated")
        }
        try await diskThroughput(client: client, image: image, data: temporary.path + "/data")
        for instance in reservation.instances {
            try await client.waitForInstance(instance.instanceId, state: "terminated")
        }
        await client.close()
        await daemon.terminate()
    }

    /// Sequential writes in a c5d.large guest (`dd`, 256 MiB, then fsync): to its instance store (a local
    /// file) and to an EBS volume (a quorum over two replicas).
    private func diskThroughput(client: IaasClient, image: String, data: String) async throws {
        let id = try await client.runInstance(image: image, type: "c5d.large").instanceId
        try await client.waitForInstance(id, state: "running")
        let volume = try await client.newVolume(size: 2)
        _ = try await client.call(
            Methods.attachVolume, AttachVolumeRequest(volumeId: volume, instanceId: id, device: "/dev/sdf"))
        try await client.waitForVolume(volume, state: "in-use", attachment: "attached")
        let shell = try GuestShell(socket: data + "/run/\(id)/shell.sock", log: data + "/run/\(id)/shell.log")
        for (name, device) in [("instance store", "/dev/vdb"), ("EBS (two replicas)", "/dev/vdc")] {
            // The guest's own clock (busybox dd prints no rate).
            let output = try await shell.run(
                "a=$(cut -d' ' -f1 /proc/uptime); dd if=/dev/zero of=\(device) bs=1M count=256 conv=fsync 2>/dev/null; b=$(cut -d' ' -f1 /proc/uptime); echo $a $b",
                timeout: .seconds(120))
            let times = output.split(separator: " ").compactMap { Double($0) }
            guard times.count == 2, times[1] > times[0] else {
                print("guest dd, \(name): no timing (\(output))")
                continue
            }
            print(
                "guest dd, 256 MiB sequential write then fsync, \(name): \(Int(256 / (times[1] - times[0]))) MiB/s")
        }
        _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [id]))
        try await client.waitForInstance(id, state: "terminated")
    }

    /// One boot of the default AMI by QEMU alone: spawn to the readiness line on the serial console.
    private func bareBoot(images: String, directory: String) async throws -> Duration {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let console = directory + "/console.log"
        FileManager.default.createFile(atPath: console, contents: nil)
        let khz = Self.tscKHz()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/qemu-system-x86_64")
        // Its output is not ours: a QEMU left behind must not hold the benchmark's pipes open.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        process.arguments = [
            "-M", "microvm,acpi=on", "-accel", "tcg", "-cpu", "max", "-smp", "1", "-m", "512M", "-nodefaults",
            "-no-user-config", "-display", "none", "-kernel", images + "/vmlinux", "-initrd", images + "/initrd.img",
            "-append", "console=ttyS0 tsc_early_khz=\(khz) quiet cryptomgr.notests no_timer_check",
            "-chardev", "file,id=console,path=\(console)", "-serial", "chardev:console",
        ]
        let start = ContinuousClock.now
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        while ContinuousClock.now - start < .seconds(60) {
            if let text = try? String(contentsOfFile: console, encoding: .utf8), text.contains("iaas-guest: ready") {
                return ContinuousClock.now - start
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ValidationError("the bare guest did not boot in 60 s")
    }

    private static func tscKHz() -> Int {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("cpu MHz") }
        let mhz = line.flatMap { Double($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) } ?? 2000
        return Int(mhz * 1000)
    }

    /// A `/proc/<pid>/<file>` line's kiB, in MiB, for the instance's QEMU.
    private static func memoryMiB(dataDirectory: String, id: String, file: String, field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "\(dataDirectory)/run/\(id)/vmm.pid", encoding: .utf8),
            let status = try? String(
                contentsOfFile: "/proc/\(text.trimmingCharacters(in: .whitespacesAndNewlines))/\(file)", encoding: .utf8
            ),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kib / 1024
    }
}
