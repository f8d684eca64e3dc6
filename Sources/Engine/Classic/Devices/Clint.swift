/// The core-local interruptor of one hart, at QEMU `virt`'s offsets: `msip` (software interrupt),
/// `mtimecmp` and `mtime`. Time runs at `frequency` ticks a second from the clock given.
public final class Clint: MMIODevice {
    /// QEMU `virt`'s timebase: 10 MHz.
    public static let frequency: UInt64 = 10_000_000

    public var softwareInterrupt = false
    public var timeCompare: UInt64 = .max
    private let clock: () -> UInt64

    /// `clock` gives the time in ticks of `frequency`.
    public init(clock: @escaping () -> UInt64) {
        self.clock = clock
    }

    /// A CLINT whose time starts at zero now and follows the host's monotonic clock.
    public static func startingNow() -> Clint {
        let start = ContinuousClock.now
        return Clint {
            let elapsed = ContinuousClock.now - start
            return UInt64(elapsed.components.seconds) * frequency
                + UInt64(elapsed.components.attoseconds) / (1_000_000_000_000_000_000 / frequency)
        }
    }

    public var time: UInt64 { clock() }

    public var timerInterrupt: Bool { clock() >= timeCompare }

    public func read(offset: UInt32, width: Int) -> UInt32? {
        guard width == 4 else { return nil }
        switch offset {
        case 0x0: return softwareInterrupt ? 1 : 0
        case 0x4000: return UInt32(truncatingIfNeeded: timeCompare)
        case 0x4004: return UInt32(truncatingIfNeeded: timeCompare >> 32)
        case 0xbff8: return UInt32(truncatingIfNeeded: time)
        case 0xbffc: return UInt32(truncatingIfNeeded: time >> 32)
        default: return nil
        }
    }

    public func write(offset: UInt32, width: Int, value: UInt32) -> Bool {
        guard width == 4 else { return false }
        switch offset {
        case 0x0: softwareInterrupt = value & 1 != 0
        case 0x4000: timeCompare = timeCompare & 0xffff_ffff_0000_0000 | UInt64(value)
        case 0x4004: timeCompare = timeCompare & 0xffff_ffff | UInt64(value) << 32
        case 0xbff8, 0xbffc: break  // mtime follows the clock
        default: return false
        }
        return true
    }
}
