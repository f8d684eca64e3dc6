import Foundation
import IaasTesting
import Testing

@testable import Engine

/// A supervisor-mode kernel deprivileged under the classic monitor: what it prints must be what it prints
/// on qemu-system-riscv32 under SBI firmware in machine mode, and the monitor's counters must account for
/// every privileged act.
@Suite("Classic monitor")
struct ClassicMonitorTests {
    @Test func kernel0RunsDeprivilegedAndPrintsWhatItPrintsOnQEMU() throws {
        let guests = try ClassicGuests.directory()
        let kernel = try ELFImage([UInt8](try Data(contentsOf: URL(fileURLWithPath: guests + "/kernel0.elf"))))
        // Its disk: two replicas for the monitor, a copy for QEMU, each with a sector the test seeded.
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        var image = [UInt8](repeating: 0, count: 1 << 20)
        image.replaceSubrange(512..<530, with: Array("seeded by the test".utf8))
        let files = ["replica-0", "replica-1", "qemu"].map { scratch.path + "/" + $0 + ".img" }
        for file in files { try Data(image).write(to: URL(fileURLWithPath: file)) }
        let monitor = try ClassicMonitor(
            memoryMiB: 16, kernel: kernel,
            disk: (storage: try ReplicatedFiles(Array(files.prefix(2))), bytes: UInt64(image.count)))
        #expect(monitor.run(budget: 50_000_000) == .poweredOff)
        let console = String(decoding: monitor.uart.output, as: UTF8.self)
        #expect(console.hasSuffix("kernel0: shutting down\n"), "\(console)")
        #expect(console.contains("user says: 5050\n") && console.contains("timer interrupts: 1\n"), "\(console)")
        #expect(console.contains("kernel0: sector 1 says: seeded by the test\n"), "\(console)")
        #expect(console.contains("kernel0: read back what it wrote: 1\n"), "\(console)")
        let reference = try ClassicGuests.referenceConsole(
            guests + "/kernel0.elf", firmware: guests + "/sbi.elf",
            arguments: ["-drive", "file=\(files[2]),format=raw,if=none,id=d0", "-device", "virtio-blk-device,drive=d0"])
        #expect(console == reference)
        // The write reached both replicas, as it reached QEMU's disk.
        let written = Array("written by kernel0 through virtio".utf8)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            #expect(Array(bytes[1024..<1024 + written.count]) == written, "\(file)")
        }
        #expect(monitor.disk?.requests == 4, "a read, a write, a read and a flush")
        // Its RAM is backed as it is touched: the kernel, its stacks and tables, not all 16 MiB.
        #expect(monitor.memory.residentBytes < 1 << 20, "\(monitor.memory.residentBytes) bytes resident")

        // Again with 8 pages of memory: the monitor swaps the rest, unseen by the guest, which prints the
        // same.
        for file in files.prefix(2) { try Data(image).write(to: URL(fileURLWithPath: file)) }
        let squeezed = try ClassicMonitor(
            memoryMiB: 16, kernel: kernel,
            disk: (storage: try ReplicatedFiles(Array(files.prefix(2))), bytes: UInt64(image.count)),
            swap: (path: scratch.path + "/swap", residentPages: 8))
        #expect(squeezed.run(budget: 100_000_000) == .poweredOff)
        #expect(String(decoding: squeezed.uart.output, as: UTF8.self) == console)
        #expect(squeezed.counters.pagesSwappedOut > 0 && squeezed.counters.pagesSwappedIn > 0, "\(squeezed.counters)")
        #expect(squeezed.counters.injectedPageFaults == monitor.counters.injectedPageFaults, "swap-ins are masked")

        let counters = monitor.counters
        // Its CSR reads and writes, SRETs and WFIs all trapped and were emulated.
        #expect(counters.emulatedInstructions >= 10, "\(counters)")
        // One SBI call per character printed through SBI, and the timer and shutdown calls.
        #expect(counters.sbiCalls > console.count / 2, "\(counters)")
        // Each character of its two lines written to the UART directly (without paging, then through its
        // tables) is a status read and a store; the disk's registers are the rest.
        let direct = ["kernel0: written to the UART directly\n", "kernel0: the UART, through the kernel's tables\n"]
        #expect(counters.deviceAccesses > 2 * direct.map(\.utf8.count).reduce(0, +) + 20, "\(counters)")
        // Three system calls and an illegal instruction from its user mode, and the four page faults its
        // own tables cause (one of its user mode's, reading a kernel page); one timer interrupt, and one
        // external interrupt (the disk's, through the PLIC) for each of its four disk requests.
        #expect(counters.injectedExceptions == 8 && counters.injectedInterrupts == 5, "\(counters)")
        #expect(console.contains("kernel0: disk interrupts: 4\n"), "\(console)")
        #expect(console.contains("kernel0: page faults: 4\n") && counters.injectedPageFaults == 4, "\(counters)")
        #expect(console.contains("kernel0: user mode read a kernel page, cause: 13\n"))
        // The shadow tables fault and fill unseen; they go at its satp write, its two SFENCE.VMAs, its two
        // SUM changes, as its table pages come to light, and at the remap: its store to its own table,
        // caught by write protection.
        #expect(counters.maskedPageFaults > 0 && counters.shadowFlushes > 6, "\(counters)")
        #expect(counters.pageTableWrites == 1, "\(counters)")
        #expect(counters.exits[2] == counters.emulatedInstructions + 1, "every illegal-instruction exit but the user's")
    }

    @Test func everyPrivilegedReadAndSBICallIsAnExit() throws {
        let guests = try ClassicGuests.directory()
        let kernel = try ELFImage([UInt8](try Data(contentsOf: URL(fileURLWithPath: guests + "/exits.elf"))))
        let monitor = try ClassicMonitor(memoryMiB: 16, kernel: kernel)
        #expect(monitor.run(budget: 100_000_000) == .poweredOff)
        let console = String(decoding: monitor.uart.output, as: UTF8.self)
        #expect(console == (try ClassicGuests.referenceConsole(guests + "/exits.elf", firmware: guests + "/sbi.elf")))
        // 200,000 reads and one write of sscratch; 200,000 SBI calls and the shutdown.
        #expect(monitor.counters.emulatedInstructions == 200_001 && monitor.counters.sbiCalls == 200_001)
    }

    @Test func theGuestReachesNeitherTheMonitorsMemoryNorMachineMode() throws {
        // 4 MiB of guest RAM; the monitor's tables lie just past it.
        let base = ClassicMonitor.ramBase
        let handler: [UInt32] = [
            RV.csrrs(3, ControlStatusRegisters.scause, 0), RV.csrrs(4, ControlStatusRegisters.stval, 0),
            RV.addi(5, 5, 1), RV.csrrs(6, ControlStatusRegisters.sepc, 0), RV.addi(6, 6, 4),
            RV.csrrw(0, ControlStatusRegisters.sepc, 6), RV.sret,
        ]
        var program: [UInt32] = [
            RV.lui(2, 0x80000), RV.addi(2, 2, 0x100), RV.csrrw(0, ControlStatusRegisters.stvec, 2),
            RV.lui(1, 0x80400), RV.sw(0, 1, 0),  // the monitor's memory: a store access fault
            RV.csrrs(7, ControlStatusRegisters.mstatus, 0),  // a machine register: illegal for the guest
            RV.addi(17, 0, 8), RV.ecall,  // SBI shutdown
        ]
        program += [UInt32](repeating: 0, count: 64 - program.count) + handler
        let bytes = program.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } }
        let monitor = try ClassicMonitor(
            memoryMiB: 4, kernel: ELFImage(entry: base, segments: [.init(address: base, bytes: bytes)]))
        #expect(monitor.run(budget: 10_000) == .poweredOff)
        #expect(monitor.hart[register: 5] == 2, "two traps reached the guest's handler")
        #expect(monitor.hart[register: 3] == 2 && monitor.hart[register: 7] == 0, "the last: illegal instruction")
        #expect(monitor.counters.injectedExceptions == 2)
        #expect(monitor.counters.exits[Trap.Cause.storePageFault.rawValue] == 1)
        #expect(monitor.shadow.leaves().allSatisfy { monitor.isGuestRAM($0.frame) }, "no way into the monitor")
    }

    @Test func randomWordsAsAKernelHarmNeitherTheMonitorNorItsMemory() throws {
        // 100 kernels of random words (with a stvec pointing into them, so traps land in more garbage):
        // whatever they do, the monitor runs them out of budget or to a shutdown, and the tables the
        // hardware walks map nothing but the guest's RAM.
        var generator = SystemRandomNumberGenerator()
        let base = ClassicMonitor.ramBase
        for _ in 0..<100 {
            var words = (0..<1024).map { _ in UInt32.random(in: 0...UInt32.max, using: &generator) }
            words[0] = RV.lui(1, 0x80000)
            words[1] = RV.csrrw(0, ControlStatusRegisters.stvec, 1)
            let bytes = words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } }
            let monitor = try ClassicMonitor(
                memoryMiB: 4, kernel: ELFImage(entry: base, segments: [.init(address: base, bytes: bytes)]))
            let outcome = monitor.run(budget: 20_000)
            #expect([.stillRunning, .poweredOff].contains(outcome) || outcome == .reset || outcome.isFailure)
            #expect(monitor.shadow.leaves().allSatisfy { monitor.isGuestRAM($0.frame) }, "no way into the monitor")
        }
    }
}
