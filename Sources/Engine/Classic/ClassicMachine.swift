import Foundation

/// One guest on the classic engine's hardware, laid out as QEMU's riscv `virt` board: RAM at 0x80000000,
/// the CLINT at 0x02000000, the UART at 0x10000000 and the test device at 0x00100000. A program loaded
/// from an ELF starts in machine mode at its entry with a0 = hart id, as `-bios none` starts it.
public final class ClassicMachine {
    public static let ramBase: UInt32 = 0x8000_0000
    public let memory: GuestMemory
    public let bus: Bus
    public let uart = Uart16550()
    public let testDevice = TestDevice()
    public let clint: Clint
    public let hart: Hart

    public init(memoryMiB: Int, program: ELFImage) throws(ELFImage.Failure) {
        memory = GuestMemory(base: Self.ramBase, size: UInt32(memoryMiB) << 20)
        bus = Bus(memory: memory)
        clint = Clint.startingNow()
        bus.map(testDevice, at: 0x0010_0000, size: 0x1000)
        bus.map(clint, at: 0x0200_0000, size: 0x1_0000)
        bus.map(uart, at: 0x1000_0000, size: 0x100)
        for segment in program.segments {
            guard memory.contains(segment.address, count: UInt32(segment.bytes.count) + segment.zeroFill) else {
                throw .truncated
            }
            memory.write(segment.bytes, at: segment.address)
        }
        hart = Hart(bus: bus, clint: clint, resetVector: program.entry)
    }

    /// Why `run` returned.
    public enum Outcome: Equatable, Sendable {
        case poweredOff
        case failed(code: UInt32)
        case reset
        /// The instruction budget ran out first.
        case stillRunning

        public var isFailure: Bool {
            if case .failed = self { return true }
            return false
        }
    }

    /// Runs the guest until it powers off through the test device or `budget` instructions have run; a
    /// hart waiting for an interrupt sleeps until its timer is due.
    public func run(budget: Int) -> Outcome {
        var left = budget
        let device = testDevice
        while left > 0 {
            let slice = min(left, 1 << 20)
            let stop = hart.run(limit: slice) { device.request != nil }
            left -= slice
            if let outcome = device.outcome { return outcome }
            if stop == .waiting {
                guard clint.timeCompare != .max else { return .stillRunning }
                let ticks = clint.timeCompare > clint.time ? clint.timeCompare - clint.time : 0
                Thread.sleep(forTimeInterval: Double(ticks) / Double(Clint.frequency))
            }
        }
        return .stillRunning
    }
}
