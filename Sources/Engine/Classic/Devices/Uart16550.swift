/// A 16550-style UART, as on QEMU's `virt` board: what the guest writes to THR goes to `output`; input is
/// queued for RBR. The transmitter is always empty (no baud-rate delay), so a polling guest never waits.
public final class Uart16550: MMIODevice {
    /// Bytes the guest has written, in order.
    public private(set) var output: [UInt8] = []
    private var input: [UInt8] = []
    private var interruptEnable: UInt8 = 0
    private var lineControl: UInt8 = 0
    private var modemControl: UInt8 = 0
    private var scratch: UInt8 = 0
    private var divisor: UInt16 = 0

    public init() {}

    /// Queues bytes for the guest to read.
    public func type(_ bytes: [UInt8]) { input += bytes }

    /// Hands over what was written since the last call.
    public func takeOutput() -> [UInt8] {
        defer { output.removeAll(keepingCapacity: true) }
        return output
    }

    private var divisorLatch: Bool { lineControl & 0x80 != 0 }

    public func read(offset: UInt32, width: Int) -> UInt32? {
        guard width == 1 else { return nil }
        switch offset {
        case 0:
            if divisorLatch { return UInt32(divisor & 0xff) }
            return input.isEmpty ? 0 : UInt32(input.removeFirst())
        case 1: return divisorLatch ? UInt32(divisor >> 8) : UInt32(interruptEnable)
        case 2: return 0xc1  // FIFOs enabled, no interrupt pending
        case 3: return UInt32(lineControl)
        case 4: return UInt32(modemControl)
        // Transmitter empty and holding register empty; data ready while input waits.
        case 5: return 0x60 | (input.isEmpty ? 0 : 1)
        case 6: return 0xb0  // carrier detect, data set ready, clear to send
        case 7: return UInt32(scratch)
        default: return nil
        }
    }

    public func write(offset: UInt32, width: Int, value: UInt32) -> Bool {
        guard width == 1 else { return false }
        let byte = UInt8(truncatingIfNeeded: value)
        switch offset {
        case 0:
            if divisorLatch { divisor = divisor & 0xff00 | UInt16(byte) } else { output.append(byte) }
        case 1:
            if divisorLatch { divisor = divisor & 0x00ff | UInt16(byte) << 8 } else { interruptEnable = byte & 0x0f }
        case 2: break  // FIFO control: the FIFOs are always on
        case 3: lineControl = byte
        case 4: modemControl = byte
        case 5, 6: break
        case 7: scratch = byte
        default: return false
        }
        return true
    }
}
