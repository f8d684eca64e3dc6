import ArgumentParser
import Engine
import Foundation
import IaasTesting

/// `iaas-bench vmm`: the classic engine's hart running guest programs, against qemu-system-riscv32 (TCG)
/// running the same ELF files in the same run: guest MIPS on a compute-bound program, the cost of one
/// trap round trip (ECALL, handler, MRET), and the cost of one exit to the classic monitor.
struct VMMBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmm", abstract: "Benchmark the classic VMM's hart against qemu-system-riscv32.")

    @Option(help: "Runs of each program; the figures are the medians.")
    var rounds = 3

    func run() async throws {
        let guests = try ClassicGuests.directory()
        print("iaas-bench vmm on \(Machine.summary)")
        defer {
            try? exits(guests)
            try? userMode(guests)
        }
        for (program, what) in [
            ("busy", "compute-bound (sieve, hash, memory)"), ("traps", "1,000,000 ECALL round trips"),
        ] {
            let elf = guests + "/\(program).elf"
            let image = try ELFImage([UInt8](try Data(contentsOf: URL(fileURLWithPath: elf))))
            var ours: [(seconds: Double, instructions: UInt64, console: String)] = []
            for _ in 0..<rounds {
                let machine = try ClassicMachine(memoryMiB: 16, program: image)
                let start = ContinuousClock.now
                let outcome = machine.run(budget: 20_000_000_000)
                let took = ContinuousClock.now - start
                guard outcome == .poweredOff else { throw ValidationError("\(program) ended \(outcome)") }
                ours.append(
                    (
                        Self.seconds(took), machine.hart.instructionsRetired,
                        String(decoding: machine.uart.output, as: UTF8.self)
                    ))
            }
            var qemu: [Double] = []
            for _ in 0..<rounds {
                let start = ContinuousClock.now
                let console = try ClassicGuests.referenceConsole(elf, timeout: 300)
                qemu.append(Self.seconds(ContinuousClock.now - start))
                guard console == ours[0].console else {
                    throw ValidationError(
                        "\(program): QEMU printed \(console ?? "nothing"), the hart \(ours[0].console)")
                }
            }
            let seconds = Self.median(ours.map(\.seconds))
            let instructions = ours[0].instructions
            let reference = Self.median(qemu)
            print("\(program): \(what); \(instructions) instructions, the same console on both")
            print(
                String(
                    format:
                        "  hart: %.3f s, %.1f MIPS; qemu-system-riscv32 (TCG, process included): %.3f s, %.1f MIPS; hart/QEMU time %.2f×",
                    seconds, Double(instructions) / seconds / 1e6, reference, Double(instructions) / reference / 1e6,
                    seconds / reference))
            if program == "traps" {
                print(
                    String(
                        format: "  one trap round trip on the hart: %.0f ns (with its handler's 10 instructions)",
                        seconds / 1e6 * 1e9))
            }
        }
    }

    /// A supervisor-mode guest run `rounds` times under the classic monitor and under qemu-system-riscv32
    /// with our SBI firmware, whose consoles must match: the median seconds of each, and the last monitor.
    private func monitorAgainstQEMU(_ guests: String, _ program: String) throws -> (
        seconds: Double, qemu: Double, monitor: ClassicMonitor
    ) {
        let elf = guests + "/\(program).elf"
        let image = try ELFImage([UInt8](try Data(contentsOf: URL(fileURLWithPath: elf))))
        var times: [Double] = []
        var last: ClassicMonitor?
        for _ in 0..<rounds {
            let monitor = try ClassicMonitor(memoryMiB: 16, kernel: image)
            let start = ContinuousClock.now
            guard monitor.run(budget: 20_000_000_000) == .poweredOff else {
                throw ValidationError("\(program) did not finish")
            }
            times.append(Self.seconds(ContinuousClock.now - start))
            last = monitor
        }
        guard let monitor = last else { throw ValidationError("--rounds must be at least 1") }
        let console = String(decoding: monitor.uart.output, as: UTF8.self)
        var qemu: [Double] = []
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            let reference = try ClassicGuests.referenceConsole(elf, firmware: guests + "/sbi.elf", timeout: 300)
            qemu.append(Self.seconds(ContinuousClock.now - start))
            guard reference == console else {
                throw ValidationError("\(program): QEMU printed \(reference ?? "nothing"), the monitor \(console)")
            }
        }
        return (Self.median(times), Self.median(qemu), monitor)
    }

    /// The monitor's exits: a supervisor-mode guest's 200,000 emulated CSR reads and 200,000 SBI calls.
    private func exits(_ guests: String) throws {
        let (seconds, qemu, monitor) = try monitorAgainstQEMU(guests, "exits")
        let exits = monitor.counters.exits.values.reduce(0, +)
        print(
            "exits: a supervisor kernel's 200,000 sscratch reads and 200,000 SBI calls, deprivileged; the same console on both"
        )
        print(
            String(
                format:
                    "  monitor: %.3f s, %d exits, %.0f ns an exit (trap, emulation, return); QEMU with our SBI firmware: %.3f s",
                seconds, exits, seconds / Double(exits) * 1e9, qemu))
    }

    /// User-mode guest code under the monitor: busy's workload as a user program of a supervisor kernel
    /// with Sv32 on, so every fetch, load and store goes through the shadow tables.
    private func userMode(_ guests: String) throws {
        let (seconds, qemu, monitor) = try monitorAgainstQEMU(guests, "userbusy")
        let instructions = Double(monitor.instructions)
        print("userbusy: busy's workload in user mode under a paging kernel, deprivileged; the same console on both")
        print(
            String(
                format:
                    "  monitor: %.3f s, %.1f MIPS; QEMU with our SBI firmware (process included): %.3f s, %.1f MIPS",
                seconds, instructions / seconds / 1e6, qemu, instructions / qemu / 1e6))
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
