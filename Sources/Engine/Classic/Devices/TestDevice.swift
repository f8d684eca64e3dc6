/// The `virt` board's test device (SiFive's "test finisher"): a guest powers the machine off by writing
/// 0x5555 (pass) or `code << 16 | 0x3333` (fail), or resets it with 0x7777.
public final class TestDevice: MMIODevice {
    public enum Request: Equatable, Sendable {
        case powerOff
        case fail(code: UInt32)
        case reset
    }

    /// What the guest asked for, if anything.
    public private(set) var request: Request?

    public init() {}

    public func clear() { request = nil }

    /// How a run ends for what the guest asked; nil: it asked nothing.
    public var outcome: ClassicMachine.Outcome? {
        switch request {
        case .powerOff?: .poweredOff
        case .fail(let code)?: .failed(code: code)
        case .reset?: .reset
        case nil: nil
        }
    }

    public func read(offset: UInt32, width: Int) -> UInt32? { offset == 0 && width == 4 ? 0 : nil }

    public func write(offset: UInt32, width: Int, value: UInt32) -> Bool {
        guard offset == 0, width == 4 else { return false }
        switch value & 0xffff {
        case 0x5555: request = .powerOff
        case 0x3333: request = .fail(code: value >> 16)
        case 0x7777: request = .reset
        default: break
        }
        return true
    }
}
