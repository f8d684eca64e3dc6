/// The platform-level interrupt controller of QEMU's `virt` board, as SiFive's: a priority per source,
/// pending bits, and per context (hart 0's machine mode is context 0, its supervisor mode context 1) an
/// enable mask, a threshold and the claim/complete register. Sources are level-triggered: a line that is
/// still high when its interrupt completes is pending again.
public final class Plic: MMIODevice {
    public static let sourceCount = 64
    private var priority = [UInt32](repeating: 0, count: sourceCount)
    private var pending: UInt64 = 0
    private var claimed: UInt64 = 0
    private var lines: UInt64 = 0
    private var enable: [UInt64] = [0, 0]
    private var threshold: [UInt32] = [0, 0]

    public init() {}

    /// Sets a source's line (a device's interrupt output).
    public func setLine(_ source: Int, high: Bool) {
        guard (1..<Self.sourceCount).contains(source) else { return }
        let bit: UInt64 = 1 << UInt64(source)
        lines = high ? lines | bit : lines & ~bit
        if high && claimed & bit == 0 { pending |= bit }
    }

    /// Whether `context` has an interrupt to take: pending, enabled, not in service, above its threshold.
    public func interrupting(context: Int) -> Bool { best(for: context) != nil }

    private func best(for context: Int) -> Int? {
        let candidates = pending & enable[context] & ~claimed
        guard candidates != 0 else { return nil }
        var chosen: Int?
        for source in 1..<Self.sourceCount where candidates >> UInt64(source) & 1 == 1 {
            if priority[source] > threshold[context], chosen.map({ priority[source] > priority[$0] }) ?? true {
                chosen = source
            }
        }
        return chosen
    }

    public func read(offset: UInt32, width: Int) -> UInt32? {
        guard width == 4 else { return nil }
        switch offset {
        case 0..<0x1000: return priority[Int(offset / 4) % Self.sourceCount]
        case 0x1000: return UInt32(truncatingIfNeeded: pending)
        case 0x1004: return UInt32(truncatingIfNeeded: pending >> 32)
        case 0x2000, 0x2080: return UInt32(truncatingIfNeeded: enable[Int(offset - 0x2000) / 0x80])
        case 0x2004, 0x2084: return UInt32(truncatingIfNeeded: enable[Int(offset - 0x2004) / 0x80] >> 32)
        case 0x20_0000, 0x20_1000: return threshold[Int(offset - 0x20_0000) / 0x1000]
        case 0x20_0004, 0x20_1004:
            // A claim: the best interrupt leaves pending and goes in service.
            guard let source = best(for: Int(offset - 0x20_0004) / 0x1000) else { return 0 }
            pending &= ~(1 << UInt64(source))
            claimed |= 1 << UInt64(source)
            return UInt32(source)
        default: return 0
        }
    }

    public func write(offset: UInt32, width: Int, value: UInt32) -> Bool {
        guard width == 4 else { return false }
        switch offset {
        case 0..<0x1000: priority[Int(offset / 4) % Self.sourceCount] = value & 7
        case 0x2000, 0x2080:
            let context = Int(offset - 0x2000) / 0x80
            enable[context] = enable[context] & 0xffff_ffff_0000_0000 | UInt64(value & ~1)
        case 0x2004, 0x2084:
            let context = Int(offset - 0x2004) / 0x80
            enable[context] = enable[context] & 0xffff_ffff | UInt64(value) << 32
        case 0x20_0000, 0x20_1000: threshold[Int(offset - 0x20_0000) / 0x1000] = value & 7
        case 0x20_0004, 0x20_1004:
            // A completion: out of service; a line still high is pending again.
            guard (1..<UInt32(Self.sourceCount)).contains(value) else { return true }
            let bit: UInt64 = 1 << UInt64(value)
            claimed &= ~bit
            if lines & bit != 0 { pending |= bit }
        default: break
        }
        return true
    }
}
