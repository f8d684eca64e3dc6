import ArgumentParser
import Engine
import Foundation
import IaasTesting

/// `iaas-bench vmm`: the classic engine's hart running guest programs, against qemu-system-riscv32 (TCG)
/// running the same ELF files in the same run: guest MIPS on a compute-bound program, and the cost of one
/// trap round trip (ECALL, handler, MRET).
struct VMMBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmm", abstract: "Benchmark the classic VMM's hart against qemu-system-riscv32.")

    @Option(help: "Runs of each program; the figures are the medians.")
    var rounds = 3

    func run() async throws {
        let guests = try ClassicGuests.directory()
        print("iaas-bench vmm on \(Machine.summary)")
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

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
