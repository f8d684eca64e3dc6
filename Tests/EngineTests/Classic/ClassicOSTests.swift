import Foundation
import IaasTesting
import Testing

@testable import Engine

/// The classic os, the guest kernel of the riscv32 AMIs: user processes with Sv32 tables of their own,
/// system calls, a timer-driven scheduler and demand paging to its own swap area, deprivileged under the
/// classic monitor, printing what it prints on qemu-system-riscv32; and both levels of paging at once.
@Suite("Classic os")
struct ClassicOSTests {
    static let done = "os: all programs exited\n"

    /// Runs the os with `arguments` (`run=`, `frames=`) on a 64 MiB disk until its programs have all
    /// exited; with `vmmResidentPages`, the monitor too keeps only that many of its pages in memory.
    static func boot(_ arguments: String, vmmResidentPages: Int? = nil) throws -> ClassicMonitor {
        let guests = try ClassicGuests.directory()
        let kernel = try ELFImage([UInt8](try Data(contentsOf: URL(fileURLWithPath: guests + "/os.elf"))))
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let disk = scratch.path + "/disk.raw"
        #expect(FileManager.default.createFile(atPath: disk, contents: nil) && truncate(disk, 64 << 20) == 0)
        let monitor = try ClassicMonitor(
            memoryMiB: 16, kernel: kernel, disk: (storage: try ReplicatedFiles([disk]), bytes: 64 << 20),
            swap: vmmResidentPages.map { (path: scratch.path + "/swap", residentPages: $0) },
            bootArguments: "hostname=ip-172-31-0-9 address=172.31.0.9 poweroff=1 " + arguments)
        // Turn by turn, sleeping while the guest waits for its timer, until its programs are done (it then
        // idles for a minute at a time: `run` would sleep through that).
        let deadline = ContinuousClock.now + .seconds(300)
        turns: while !String(decoding: monitor.uart.output, as: UTF8.self).hasSuffix(done),
            ContinuousClock.now < deadline
        {
            switch monitor.turn(budget: 2_000_000) {
            case .ran: continue
            case .idle(let until?):
                if until > .now {
                    Thread.sleep(forTimeInterval: min(0.05, Double((until - .now) / .microseconds(1)) / 1e6))
                }
            case .idle(nil), .ended(.poweredOff): break turns
            case .ended(let outcome): Issue.record("the os ended: \(outcome)"); break turns
            }
        }
        return monitor
    }

    /// The same on qemu-system-riscv32, under the sbi firmware.
    static func reference(_ arguments: String) throws -> String? {
        let guests = try ClassicGuests.directory()
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let disk = scratch.path + "/disk.raw"
        #expect(FileManager.default.createFile(atPath: disk, contents: nil) && truncate(disk, 64 << 20) == 0)
        return try ClassicGuests.referenceConsole(
            guests + "/os.elf", firmware: guests + "/sbi.elf",
            arguments: [
                "-m", "16M", "-append", "hostname=ip-172-31-0-9 address=172.31.0.9 poweroff=1 " + arguments, "-drive",
                "file=\(disk),format=raw,if=none,id=d", "-device", "virtio-blk-device,drive=d",
            ], timeout: 60)
    }

    @Test(arguments: ["run=hello", "run=diskwriter", "run=memhog frames=256"])
    func aProgramPrintsWhatItPrintsOnQEMU(arguments: String) throws {
        let monitor = try Self.boot(arguments)
        let console = String(decoding: monitor.uart.output, as: UTF8.self)
        #expect(console.hasSuffix(Self.done), "\(console)")
        #expect(console == (try Self.reference(arguments)))
    }

    @Test func memhogPagesAtBothLevelsAndSeesTheSameMemory() throws {
        // The guest keeps 256 of its pages resident and swaps the rest to its disk: each of its page faults
        // is its own, injected. The monitor keeps 128 of the guest's pages in host memory and swaps the
        // rest to its file: those faults are masked, and the guest prints the same.
        let guestOnly = try Self.boot("run=memhog frames=256")
        let both = try Self.boot("run=memhog frames=256", vmmResidentPages: 128)
        let console = String(decoding: both.uart.output, as: UTF8.self)
        #expect(console == String(decoding: guestOnly.uart.output, as: UTF8.self))
        #expect(console.contains("memhog: touched 4096 KiB, 0 wrong;"), "\(console)")
        #expect(both.counters.injectedPageFaults == guestOnly.counters.injectedPageFaults)
        #expect(both.counters.injectedPageFaults > 2048, "\(both.counters)")
        #expect(both.counters.pagesSwappedOut > 0 && both.counters.pagesSwappedIn > 0, "\(both.counters)")
        #expect(guestOnly.counters.pagesSwappedOut == 0)
        #expect(both.counters.maskedPageFaults > guestOnly.counters.maskedPageFaults)
    }

    @Test func fourProgramsShareTheHartByTheTimer() throws {
        let monitor = try Self.boot("run=busy,hello,diskwriter,memhog frames=512")
        let console = String(decoding: monitor.uart.output, as: UTF8.self)
        for line in [
            "hello: hello from pid 2 in user mode\n",
            "diskwriter: wrote 64 sectors and read them back, 0 bytes wrong\n",
            "os: pid 1 (busy) exited\n", "os: pid 4 (memhog) exited\n", Self.done,
        ] {
            #expect(console.contains(line), "\(console)")
        }
        // busy, started first, is preempted: the others finish while it still runs.
        let busy = try #require(console.range(of: "busy: 20000000 iterations"))
        #expect(try #require(console.range(of: "hello: hello")).lowerBound < busy.lowerBound, "\(console)")
        #expect(monitor.counters.injectedInterrupts > 10, "timer ticks reached the guest: \(monitor.counters)")
    }
}
