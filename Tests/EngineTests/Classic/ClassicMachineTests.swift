import Engine
import Foundation
import IaasTesting
import Testing

/// Whole guest programs on the classic engine's hardware, held to `qemu-system-riscv32 -M virt` running the
/// same ELF file.
@Suite("Classic machine")
struct ClassicMachineTests {
    /// Runs a guest to its power-off; returns its console and the hart's instruction count.
    private func run(_ guest: String) throws -> (console: String, instructions: UInt64, elf: String) {
        let elf = try ClassicGuests.directory() + "/\(guest).elf"
        let program = try ELFImage([UInt8](try Data(contentsOf: URL(fileURLWithPath: elf))))
        let machine = try ClassicMachine(memoryMiB: 16, program: program)
        #expect(machine.run(budget: 50_000_000) == .poweredOff)
        return (String(decoding: machine.uart.output, as: UTF8.self), machine.hart.instructionsRetired, elf)
    }

    @Test func helloPrintsWhatItPrintsOnQEMUAndPowersOff() throws {
        let (console, _, elf) = try run("hello")
        #expect(console.hasPrefix("hello from riscv32\n") && console.hasSuffix("goodbye\n"), "\(console)")
        let reference = try #require(try ClassicGuests.referenceConsole(elf), "QEMU did not run the guest")
        #expect(console == reference)
    }

    @Test func aMillionTrapsAreTakenAndReturnedFrom() throws {
        let (console, instructions, elf) = try run("traps")
        #expect(console == "traps handled: 1000000 (0x000f4240)\n")
        #expect(instructions > 13_000_000, "each round trip runs its ECALL and the handler's instructions")
        #expect(console == (try ClassicGuests.referenceConsole(elf)))
    }

    @Test func sv32PagingFaultsAndUserModeAsOnQEMU() throws {
        let (console, _, elf) = try run("paging")
        #expect(console.contains("after the remap: 572662306 (0x22222222)"), "the new page, not the stale one")
        #expect(console.contains("alias PTE accessed+dirty: 192"), "A and D set by the walk")
        #expect(console.hasSuffix("faults in all: 5 (0x00000005)\ndone\n"), "\(console)")
        #expect(console == (try ClassicGuests.referenceConsole(elf)))
    }

    @Test func whatIsNotARISCVProgramIsRefused() throws {
        #expect(throws: ELFImage.Failure.notELF32RISCV) { try ELFImage(Array("not an elf".utf8)) }
        var header = [UInt8](repeating: 0, count: 52)
        header.replaceSubrange(0..<6, with: [0x7f, 0x45, 0x4c, 0x46, 1, 1])
        header[18] = 243
        header[28] = 0xff  // program headers past the end
        header[44] = 1
        #expect(throws: ELFImage.Failure.truncated) { try ELFImage(header) }
    }
}
