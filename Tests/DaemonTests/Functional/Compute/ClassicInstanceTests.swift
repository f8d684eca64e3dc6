import API
import Foundation
import IaasTesting
import Store
import Testing

/// riscv32 instances on the built-in classic VMM, through the real daemon and its worker processes: the
/// same EC2 lifecycle as QEMU's instances, and the VMM's counters (`vmm.DescribeInstanceStats`).
@Suite("Classic instances")
struct ClassicInstanceTests {
    static func fixture() async throws -> ComputeFixture {
        try await ComputeFixture.start(arguments: ["--classic-image-directory", try ClassicGuests.directory()])
    }

    static func classicImage(_ client: IaasClient, rootDeviceType: String = "ebs") async throws -> Image {
        let images = try await client.call(
            Methods.describeImages,
            DescribeImagesRequest(filters: [Filter(name: "architecture", values: ["riscv32"])]))
        #expect(images.images.count == 2, "an EBS-backed and an instance-store-backed riscv32 AMI")
        return try #require(images.images.first { $0.rootDeviceType == rootDeviceType })
    }

    static func stats(_ client: IaasClient, _ id: String) async throws -> VMStatistics {
        let result = try await client.call(Methods.describeInstanceStats, DescribeInstanceStatsRequest(instanceId: id))
        #expect(result.instanceId == id && result.engine == "classic")
        return result.statistics
    }

    static func refusal<T>(_ call: () async throws -> T) async -> String? {
        do {
            _ = try await call()
            return nil
        } catch let error as RPCErrorObject {
            return error.awsCode
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test func aRiscvInstanceRunsStopsStartsSurvivesARestartAndTerminates() async throws {
        let fixture = try await Self.fixture()
        var client = fixture.client
        let image = try await Self.classicImage(client)
        #expect(image.architecture == "riscv32" && image.name == "iaas-classic-os-riscv32")

        let launched = try await client.runInstance(image: image.imageId, type: "r32.nano")
        #expect(launched.architecture == "riscv32" && launched.hypervisor == "classic")
        let id = launched.instanceId
        let running = try await client.waitForInstance(id, state: "running", timeout: .seconds(60))
        #expect(running.publicIpAddress != nil, "a public address, as any instance")
        let console = try await client.call(Methods.getConsoleOutput, GetConsoleOutputRequest(instanceId: id))
        let text = String(decoding: Data(base64Encoded: console.output) ?? Data(), as: UTF8.self)
        let host = launched.privateDnsName.prefix { $0 != "." }
        #expect(text.hasPrefix("iaas classic os 1 (riscv32, 16 MiB)\n"), "\(text)")
        #expect(
            text.contains("iaas-guest: ready hostname=\(host) address=\(launched.privateIpAddress) root=mounted"),
            "\(text)")

        let first = try await Self.stats(client, id)
        #expect(first.boots == 1)
        #expect(first.instructions > 1000 && first.sbiCalls >= 1 && first.emulatedInstructions >= 2)
        #expect(first.ioExits > text.utf8.count, "every byte to the UART traps to the monitor")
        #expect(first.residentBytes > 0 && first.residentBytes < 1 << 20, "\(first.residentBytes) bytes resident")
        let table = try await iaasctl(
            ["describe-instance-vm-stats", "--instance-id", id], socket: fixture.daemon.socketPath)
        #expect(
            table.status == 0 && table.stdout.contains("engine") && table.stdout.contains("classic"), "\(table.stdout)")
        #expect(table.stdout.contains("exits.illegalInstruction"), "\(table.stdout)")

        // kill -9 of the daemon: the guest runs on in its worker, and the next daemon finds it.
        try await fixture.restart()
        client = fixture.client
        #expect(try await client.instance(id).state.name == "running")
        let after = try await Self.stats(client, id)
        #expect(after.boots == 1 && after.instructions >= first.instructions && after.startTime == first.startTime)

        _ = try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [id]))
        let stopped = try await client.waitForInstance(id, state: "stopped", timeout: .seconds(60))
        #expect(stopped.publicIpAddress == nil)
        #expect(await Self.refusal { try await Self.stats(client, id) } == "IncorrectInstanceState")
        _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [id]))
        _ = try await client.waitForInstance(id, state: "running", timeout: .seconds(60))
        #expect(try await Self.stats(client, id).boots == 1, "a start is a new machine")

        _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [id]))
        _ = try await client.waitForInstance(id, state: "terminated", timeout: .seconds(60))
        #expect(await Self.refusal { try await Self.stats(client, id) } == "IncorrectInstanceState")
        await fixture.stop()
    }

    @Test func anInstanceStoreBackedInstanceHasNoVolumeRebootsCannotBeStoppedAndLeavesNothing() async throws {
        let fixture = try await Self.fixture()
        let client = fixture.client
        let image = try await Self.classicImage(client, rootDeviceType: "instance-store")
        #expect(image.rootDeviceName == "/dev/sda1" && image.blockDeviceMappings.isEmpty)
        let id = try await client.runInstance(image: image.imageId, type: "r32.micro").instanceId
        let running = try await client.waitForInstance(id, state: "running", timeout: .seconds(60))
        #expect(running.rootDeviceType == "instance-store" && running.rootDeviceName == "/dev/sda1")
        #expect(running.blockDeviceMappings.isEmpty)
        #expect(try await client.call(Methods.describeVolumes, DescribeVolumesRequest()).volumes.isEmpty)
        let console = try await client.call(Methods.getConsoleOutput, GetConsoleOutputRequest(instanceId: id))
        let text = String(decoding: Data(base64Encoded: console.output) ?? Data(), as: UTF8.self)
        #expect(text.contains("(riscv32, 32 MiB)") && text.contains("root=mounted"), "\(text)")
        // Its root is the image's disk until the guest writes it: no file was made for it.
        let store = fixture.data + "/zones/us-east-1a/instance-store"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).isEmpty)

        #expect(
            await Self.refusal {
                try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [id]))
            } == "UnsupportedOperation")
        #expect(
            await Self.refusal {
                try await client.call(Methods.createImage, CreateImageRequest(instanceId: id, name: "not imaged"))
            } == "UnsupportedOperation")
        let volume = try await client.newVolume()
        #expect(
            await Self.refusal {
                try await client.call(
                    Methods.attachVolume, AttachVolumeRequest(volumeId: volume, instanceId: id, device: "/dev/sdf"))
            } == "UnsupportedOperation")
        #expect(try await client.instance(id).state.name == "running")
        _ = try await client.call(Methods.rebootInstances, InstanceIdsRequest(instanceIds: [id]))
        var boots = 0
        for _ in 0..<100 where boots < 2 {
            boots = try await Self.stats(client, id).boots
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(boots == 2, "a reboot starts the guest again on the same machine")

        _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [id]))
        _ = try await client.waitForInstance(id, state: "terminated", timeout: .seconds(60))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).isEmpty)
        await fixture.stop()
    }

    /// kill -9 while an instance-store-backed instance is launched or terminated: the next start finishes
    /// the action, and a terminated instance's store is erased, even one the crash left half done.
    @Test(arguments: [
        "instance.run.after-intent", "instance.boot.after-start", "instance.terminate.after-intent",
        "instance.terminate.after-machine",
    ])
    func anInstanceStoreLaunchOrTerminateCutByACrashIsFinished(point: String) async throws {
        let fixture = try await Self.fixture()
        let image = try await Self.classicImage(fixture.client, rootDeviceType: "instance-store").imageId
        // diskwriter writes the root, so the instance's store gets its file.
        let userData = Data("run=diskwriter".utf8).base64EncodedString()
        let store = fixture.data + "/zones/us-east-1a/instance-store"
        let terminating = point.hasPrefix("instance.terminate")
        var id: String?
        if terminating {
            id = try await fixture.client.runInstance(image: image, type: "r32.nano", userData: userData).instanceId
            let text = try await Self.console(fixture.client, id!, until: "os: all programs exited")
            #expect(text.contains("0 bytes wrong"), "\(text)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).count == 1)
        }
        try await fixture.restart(crashAt: point)
        if let id {
            _ = try? await fixture.client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [id]))
        } else {
            _ = try? await fixture.client.runInstance(image: image, type: "r32.nano", userData: userData)
        }
        #expect(await fixture.daemon.waitForExit() == CrashPoint.exitStatus, "iaasd should have died at \(point)")
        try await fixture.restart()
        let client = fixture.client
        let instances = try await client.call(Methods.describeInstances, DescribeInstancesRequest()).reservations
            .flatMap(\.instances)
        let instance = try #require(instances.first, "the intent was committed before \(point)")
        #expect(instances.count == 1)
        if terminating {
            _ = try await client.waitForInstance(instance.instanceId, state: "terminated", timeout: .seconds(60))
        } else {
            _ = try await client.waitForInstance(instance.instanceId, state: "running", timeout: .seconds(60))
            let text = try await Self.console(client, instance.instanceId, until: "os: all programs exited")
            #expect(text.contains("0 bytes wrong"), "\(text)")
            _ = try await client.call(
                Methods.terminateInstances, InstanceIdsRequest(instanceIds: [instance.instanceId]))
            _ = try await client.waitForInstance(instance.instanceId, state: "terminated", timeout: .seconds(60))
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).isEmpty, "the store is erased")
        #expect(try await client.call(Methods.describeVolumes, DescribeVolumesRequest()).volumes.isEmpty)
        await fixture.stop()
    }

    /// The console of an instance, once it holds `marker` (or after 120 s).
    static func console(_ client: IaasClient, _ id: String, until marker: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            let output = try await client.call(Methods.getConsoleOutput, GetConsoleOutputRequest(instanceId: id))
            let text = String(decoding: Data(base64Encoded: output.output) ?? Data(), as: UTF8.self)
            if text.contains(marker) || ContinuousClock.now > deadline { return text }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func eachGuestProgramRunsAsAnInstanceFromItsUserData() async throws {
        let fixture = try await Self.fixture()
        let client = fixture.client
        let image = try await Self.classicImage(client, rootDeviceType: "instance-store").imageId
        let expected = [
            "hello": "hello: hello from pid 1 in user mode",
            "diskwriter": "diskwriter: wrote 64 sectors and read them back, 0 bytes wrong",
            "memhog": "memhog: touched 4096 KiB, 0 wrong;",
            "busy": "busy: 20000000 iterations in",
        ]
        var launched: [String: String] = [:]
        for program in expected.keys.sorted() {
            // The os reads its programs from the boot arguments, which carry the user data's first line.
            let userData = Data("run=\(program) frames=256\nthis line is not read".utf8).base64EncodedString()
            launched[program] = try await client.runInstance(image: image, type: "r32.micro", userData: userData)
                .instanceId
        }
        for (program, id) in launched {
            let text = try await Self.console(client, id, until: "os: all programs exited")
            #expect(text.contains("os: running \(program)\n"), "\(program): \(text)")
            #expect(text.contains(expected[program]!), "\(program): \(text)")
            #expect(text.contains("os: pid 1 (\(program)) exited\n"), "\(program): \(text)")
            #expect(!text.contains("not read"))
        }
        // memhog's own paging, as the VMM saw it: its faults injected into the guest, its swap area on its
        // instance-store root (written, so made at last).
        let memhog = try await Self.stats(client, launched["memhog"]!)
        #expect(memhog.injectedPageFaults > 1024 && memhog.ioExits > 10_000, "\(memhog)")
        let store = fixture.data + "/zones/us-east-1a/instance-store"
        #expect(FileManager.default.fileExists(atPath: store + "/\(launched["memhog"]!).raw"))
        let hello = try await Self.stats(client, launched["hello"]!)
        #expect(hello.injectedPageFaults < 10 && hello.exitsByCause["environmentCallFromUser", default: 0] > 3)
        _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: Array(launched.values)))
        for id in launched.values {
            _ = try await client.waitForInstance(id, state: "terminated", timeout: .seconds(60))
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).isEmpty, "erased at terminate")
        await fixture.stop()
    }

    @Test func aTourThroughIaasctl() async throws {
        let fixture = try await Self.fixture()
        let socket = fixture.daemon.socketPath
        let images = try await iaasctl(
            ["describe-images", "--filters", "Name=architecture,Values=riscv32", "-o", "json"], socket: socket)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(images.stdout.utf8)) as? [String: Any])
        let ebs = try #require(
            (listed["Images"] as? [[String: Any]])?.first { $0["RootDeviceType"] as? String == "ebs" }?["ImageId"]
                as? String)
        let run = try await iaasctl(
            [
                "run-instances", "--image-id", ebs, "--instance-type", "r32.small", "--user-data",
                "run=hello,diskwriter", "-o", "json",
            ], socket: socket)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let id = try #require((json["Instances"] as? [[String: Any]])?.first?["InstanceId"] as? String)
        _ = try await fixture.client.waitForInstance(id, state: "running", timeout: .seconds(60))
        _ = try await Self.console(fixture.client, id, until: "os: all programs exited")
        let console = try await iaasctl(["get-console-output", "--instance-id", id], socket: socket)
        #expect(console.stdout.contains("iaas classic os 1 (riscv32, 64 MiB)"), "\(console.stdout)")
        #expect(console.stdout.contains("hello: hello from pid 1 in user mode"), "\(console.stdout)")
        #expect(console.stdout.contains("diskwriter: wrote 64 sectors and read them back, 0 bytes wrong"))
        let stats = try await iaasctl(["describe-instance-vm-stats", "--instance-id", id], socket: socket)
        #expect(stats.status == 0 && stats.stdout.contains("injected-interrupts"), "\(stats.stdout)")

        // diskwriter wrote its root volume: the writes outlive a stop and a start (the os reads nothing
        // back at boot, but the volume's replicas hold them).
        #expect(try await iaasctl(["stop-instances", "--instance-ids", id], socket: socket).status == 0)
        _ = try await fixture.client.waitForInstance(id, state: "stopped", timeout: .seconds(60))
        let stopped = try await iaasctl(["get-console-output", "--instance-id", id], socket: socket)
        #expect(stopped.stdout.contains("os: all programs exited"), "the console outlives the machine")
        #expect(try await iaasctl(["start-instances", "--instance-ids", id], socket: socket).status == 0)
        _ = try await fixture.client.waitForInstance(id, state: "running", timeout: .seconds(60))
        _ = try await Self.console(fixture.client, id, until: "os: all programs exited")
        let terminated = try await iaasctl(["terminate-instances", "--instance-ids", id], socket: socket)
        #expect(terminated.stdout.contains("shutting-down"), "\(terminated.stdout)")
        _ = try await fixture.client.waitForInstance(id, state: "terminated", timeout: .seconds(60))
        await fixture.stop()
    }

    /// The worker marks what its guest writes in the root volume's change map, which the daemon shares: a
    /// snapshot after the guest wrote reads only the block it wrote, and holds what the guest wrote there.
    @Test func aClassicGuestsWritesAreWhatTheNextSnapshotReads() async throws {
        let fixture = try await Self.fixture()
        let client = fixture.client
        let inspector = DataDirectoryInspector(root: fixture.data)
        let image = try await Self.classicImage(client).imageId
        // diskwriter writes 64 sectors at the start of the os's file area (32 MiB in), then the os powers off.
        let userData = Data("run=diskwriter poweroff=1".utf8).base64EncodedString()
        let id = try await client.runInstance(image: image, type: "r32.nano", userData: userData).instanceId
        let stopped = try await client.waitForInstance(id, state: "stopped", timeout: .seconds(60))
        let volume = try #require(stopped.blockDeviceMappings.first).ebs.volumeId
        let area = Int64(32 << 20)
        let written = try inspector.readVolume(volume, at: area, count: 64 * 512)
        #expect(written != [UInt8](repeating: 0, count: written.count))

        // Bytes no marking writer put there (the map knows nothing yet, so the first snapshot reads all).
        for replica in 0..<2 {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: inspector.replica(volume, replica)))
            try handle.seek(toOffset: UInt64(area))
            try handle.write(contentsOf: [UInt8](repeating: 0xEE, count: written.count))
            try handle.close()
        }
        let first = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
        #expect(first.state == "completed")

        // The guest writes its sectors again, through the worker.
        _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [id]))
        let deadline = ContinuousClock.now + .seconds(60)
        while try await client.instance(id).state.name != "stopped"
            || inspector.readVolume(volume, at: area, count: written.count) != written
        {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(100))
        }
        let second = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
        let line = try #require(
            fixture.daemon.log().split(separator: "\n").first {
                $0.contains("snapshot blocks stored") && $0.contains("iaas.snapshot.id=\(second.snapshotId)")
            })
        #expect(line.contains("iaas.blocks-read=1 ") && line.contains("iaas.changes-since=\(first.snapshotId)"))
        let restored = try await client.restoreVolume(second.snapshotId)
        #expect(try inspector.readVolume(restored.volumeId, at: area, count: written.count) == written)
        await fixture.stop()
    }

    @Test func aGuestThatPowersOffStopsAnEBSInstanceAndTerminatesAnInstanceStoreOne() async throws {
        let fixture = try await Self.fixture()
        let client = fixture.client
        // The os powers off once its programs are done when its boot arguments say so.
        let userData = Data("run=hello poweroff=1".utf8).base64EncodedString()
        var ids: [String: String] = [:]
        for root in ["ebs", "instance-store"] {
            let image = try await Self.classicImage(client, rootDeviceType: root).imageId
            ids[root] = try await client.runInstance(image: image, type: "r32.nano", userData: userData).instanceId
        }
        let stopped = try await client.waitForInstance(ids["ebs"]!, state: "stopped", timeout: .seconds(60))
        #expect(stopped.stateReason?.code == "Client.InstanceInitiatedShutdown")
        let terminated = try await client.waitForInstance(
            ids["instance-store"]!, state: "terminated", timeout: .seconds(60))
        #expect(terminated.stateReason?.code == "Client.InstanceInitiatedShutdown")
        // Both consoles outlive their machines.
        for id in ids.values {
            let text = try await Self.console(client, id, until: "os: all programs exited")
            #expect(text.contains("hello: hello from pid 1 in user mode"), "\(text)")
        }
        await fixture.stop()
    }

    @Test func architecturesMustMatchAndCountersAreTheClassicEnginesAlone() async throws {
        let fixture = try await Self.fixture()
        let client = fixture.client
        let classic = try await Self.classicImage(client).imageId
        #expect(
            await Self.refusal { try await client.runInstance(image: classic, type: "t3.micro") }
                == "InvalidParameterValue")
        #expect(
            await Self.refusal { try await client.runInstance(image: fixture.image, type: "r32.nano") }
                == "InvalidParameterValue")
        #expect(
            await Self.refusal { try await Self.stats(client, "i-0123456789abcdef0") } == "InvalidInstanceID.NotFound")
        #expect(await Self.refusal { try await Self.stats(client, "vol-1") } == "InvalidInstanceID.Malformed")
        let described = try await client.call(Methods.describeInstances, DescribeInstancesRequest())
        #expect(described.reservations.isEmpty, "nothing was launched")
        // The r32 types are described with the engine that runs them.
        let types = try await client.call(
            Methods.describeInstanceTypes, DescribeInstanceTypesRequest(instanceTypes: ["t3.micro", "r32.nano"]))
        #expect(types.instanceTypes.map(\.hypervisor) == ["qemu", "classic"])
        #expect(types.instanceTypes.last?.memoryInfo.sizeInMiB == 16)
        #expect(types.instanceTypes.map(\.processorInfo.supportedArchitectures) == [["x86_64"], ["riscv32"]])

        // QEMU's instances have no classic counters.
        try await GuestLease.exclusive {
            let x86 = try await client.runInstance(image: fixture.image, type: "t3.nano").instanceId
            #expect(await Self.refusal { try await Self.stats(client, x86) } == "UnsupportedOperation")
            _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [x86]))
            _ = try await client.waitForInstance(x86, state: "terminated", timeout: .seconds(60))
        }
        await fixture.stop()
    }
}
