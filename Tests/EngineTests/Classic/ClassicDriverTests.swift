import Engine
import Foundation
import IaasTesting
import SystemPackage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The classic driver with real worker processes (`iaas-vmm`): machines boot the classic os, print what
/// they print on qemu-system-riscv32, are counted, end, and outlive their driver.
@Suite("Classic driver")
struct ClassicDriverTests {
    let guests: String
    let scratch: TemporaryDirectory

    init() throws {
        guests = try ClassicGuests.directory()
        scratch = try TemporaryDirectory()
    }

    var run: FilePath { FilePath(scratch.path + "/run") }

    func driver(workers: Int = 2) -> ClassicDriver {
        ClassicDriver(runDirectory: run, binary: ClassicDriver.defaultBinary(), workers: workers)
    }

    /// A riscv32 machine of the classic os, with a root disk of its own.
    func machine(_ id: String, kernel: String? = nil) throws -> MachineDescription {
        let disk = scratch.path + "/\(id).raw"
        #expect(FileManager.default.createFile(atPath: disk, contents: nil))
        #expect(truncate(disk, 1 << 20) == 0)
        return MachineDescription(
            id: id, vcpus: 1, memoryMiB: 16, kernel: kernel ?? guests + "/os.elf", initrd: nil,
            disks: [Disk(id: "root", backing: .local(path: disk))],
            nics: [
                NIC(mac: "02:00:00:00:00:01", address: "172.31.0.9", hostname: "ip-172-31-0-9", subnet: "172.31.0.0/20")
            ],
            architecture: .riscv32)
    }

    /// The next event of the driver, or nil after `timeout`.
    func nextEvent(_ driver: ClassicDriver, timeout: Duration = .seconds(10)) async -> MachineEvent? {
        await withTaskGroup(of: MachineEvent?.self) { group in
            group.addTask {
                var iterator = driver.events.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func aMachineBootsAsOnQEMUIsCountedAndEndsWhenKilled() async throws {
        defer { scratch.remove() }
        let driver = driver()
        let id = "i-0123456789abcdef0"
        try await driver.start(try machine(id))
        let ready = try await driver.waitUntilReady(id, timeout: .seconds(30))
        #expect(ready == GuestReadiness(hostname: "ip-172-31-0-9", address: "172.31.0.9", rootMounted: true))
        #expect(await driver.status(id) == .running)

        // The same kernel with the same boot arguments and disk prints the same on qemu-system-riscv32.
        let console = String(decoding: await driver.consoleOutput(id), as: UTF8.self)
        #expect(console.hasPrefix("iaas classic os 1 (riscv32, 16 MiB)\n"), "\(console)")
        let reference = try ClassicGuests.referenceConsole(
            guests + "/os.elf", firmware: guests + "/sbi.elf",
            arguments: [
                "-m", "16M", "-append", "hostname=ip-172-31-0-9 address=172.31.0.9", "-drive",
                "file=\(scratch.path)/\(id).raw,format=raw,if=none,id=root", "-device", "virtio-blk-device,drive=root",
            ], timeout: 5, expectExit: false)
        #expect(reference == console, "QEMU printed \(reference ?? "nothing")")

        // Idle now: its counters show what its boot took and stand nearly still.
        let statistics = try #require(await driver.statistics(id))
        #expect(statistics.instructions > 1000)
        #expect(statistics.sbiCalls >= 1, "the timer is set through SBI")
        #expect(statistics.emulatedInstructions >= 2, "csrs sie and wfi trap and are emulated")
        #expect(statistics.exitsByCause["illegalInstruction", default: 0] == statistics.emulatedInstructions)
        #expect(statistics.ioExits > console.utf8.count, "every byte to the UART is an I/O exit")
        #expect(statistics.boots == 1)
        try await Task.sleep(for: .milliseconds(300))
        let later = try #require(await driver.statistics(id))
        #expect(later.instructions - statistics.instructions < 100, "an idle guest runs nothing")

        await driver.kill(id)
        #expect(await nextEvent(driver) == .exited(id: id, guestInitiated: false, requested: true))
        #expect(await driver.status(id) == .stopped)
        #expect(await driver.statistics(id) == nil)
        // The console outlives the machine: its worker wrote it to the run directory as it ended.
        #expect(String(decoding: await driver.consoleOutput(id), as: UTF8.self) == console)
        // A new start begins a new console.
        try await driver.start(try machine(id))
        _ = try await driver.waitUntilReady(id, timeout: .seconds(30))
        #expect(String(decoding: await driver.consoleOutput(id), as: UTF8.self) == console)
        await driver.kill(id)
    }

    @Test func aGuestThatPowersOffEndsAsItsOwnDoing() async throws {
        defer { scratch.remove() }
        let driver = driver(workers: 1)
        let id = "i-00000000000000001"
        // kernel0 runs its scenario and shuts down through SBI.
        try await driver.start(try machine(id, kernel: guests + "/kernel0.elf"))
        #expect(
            await nextEvent(driver, timeout: .seconds(60)) == .exited(id: id, guestInitiated: true, requested: false))
        #expect(String(decoding: await driver.consoleOutput(id), as: UTF8.self).contains("kernel0"))
        #expect(await driver.status(id) == .stopped)
    }

    @Test func machinesOutliveTheirDriverAndAnotherOneFindsThem() async throws {
        defer { scratch.remove() }
        let first = driver()
        let ids = ["i-0000000000000000a", "i-0000000000000000b", "i-0000000000000000c"]
        for id in ids { try await first.start(try machine(id)) }
        for id in ids { _ = try await first.waitUntilReady(id, timeout: .seconds(30)) }
        await first.disconnect()

        let second = driver()
        let found = await second.discover()
        #expect(Set(found.map(\.id)) == Set(ids))
        #expect(found.allSatisfy { $0.status == .running && $0.description?.processor == .riscv32 })
        // Spread over both workers, and still running and counted.
        let workers = try FileManager.default.contentsOfDirectory(atPath: run.string + "/classic")
        #expect(workers.filter { $0.hasSuffix(".sock") }.count == 2, "\(workers)")
        for id in ids {
            #expect(await second.status(id) == .running)
            #expect(try await second.waitUntilReady(id, timeout: .seconds(1)).hostname == "ip-172-31-0-9")
            #expect(await second.statistics(id)?.boots == 1)
        }
        try await second.reboot(ids[0])
        _ = try await second.waitUntilReady(ids[0], timeout: .seconds(30))
        #expect(await second.statistics(ids[0])?.boots == 2)
        for id in ids { await second.kill(id) }
        #expect(await second.discover().isEmpty)
    }

    @Test func aWorkerThatDiesTakesItsMachinesWithIt() async throws {
        defer { scratch.remove() }
        let driver = driver(workers: 1)
        let id = "i-0000000000000000d"
        try await driver.start(try machine(id))
        _ = try await driver.waitUntilReady(id, timeout: .seconds(30))
        let pidText = try String(contentsOfFile: run.string + "/classic/w0.pid", encoding: .utf8)
        let pid = try #require(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, SIGKILL) == 0)
        #expect(await nextEvent(driver) == .exited(id: id, guestInitiated: false, requested: false))
        #expect(await driver.status(id) == .stopped)
        // A new worker takes the next machine.
        try await driver.start(try machine("i-0000000000000000e"))
        _ = try await driver.waitUntilReady("i-0000000000000000e", timeout: .seconds(30))
        await driver.kill("i-0000000000000000e")
    }

    @Test func whatTheClassicEngineCannotRunIsRefusedWithAReason() async throws {
        defer { scratch.remove() }
        let driver = driver(workers: 1)
        var x86 = try machine("i-0000000000000000f")
        x86.architecture = .x86_64
        await #expect(throws: EngineError.startFailed("the classic engine runs riscv32 machines, not x86_64")) {
            try await driver.start(x86)
        }
        let notAnELF = scratch.path + "/kernel"
        try Data("not a kernel".utf8).write(to: URL(fileURLWithPath: notAnELF))
        do {
            try await driver.start(try machine("i-00000000000000010", kernel: notAnELF))
            Issue.record("a kernel that is no ELF started")
        } catch {
            #expect("\(error)".contains("is not a 32-bit RISC-V ELF executable"), "\(error)")
        }
        do {
            try await driver.start(try machine("i-00000000000000011", kernel: scratch.path + "/missing"))
            Issue.record("a missing kernel started")
        } catch {
            #expect("\(error)".contains("no kernel at"), "\(error)")
        }
        #expect(await driver.status("i-00000000000000010") == .stopped)
        await #expect(throws: EngineError.self) {
            try await driver.attach(Disk(id: "v", backing: .local(path: notAnELF)), to: "i-00000000000000010")
        }
    }
}
