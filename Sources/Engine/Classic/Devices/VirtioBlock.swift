import Foundation

/// A virtio block device on the legacy virtio-mmio transport (version 1, as QEMU's `virt` board offers it
/// by default), one request queue, on a `BlockStorage` (an EBS volume's replicas, every write reaching
/// each before it completes, or an instance-store root). Requests are done when the guest notifies the
/// queue; `interruptStatus` then says a used buffer is there.
public final class VirtioBlock: MMIODevice {
    public static let magic: UInt32 = 0x7472_6976  // "virt"
    static let queueSize: UInt32 = 16
    static let sectorBytes = 512

    private let memory: GuestMemory
    private let storage: any BlockStorage
    public let sectors: UInt64
    private var status: UInt32 = 0
    private var pageSize: UInt32 = 4096
    private var queueAlign: UInt32 = 4096
    private var queueSize: UInt32 = 0
    private var queuePage: UInt32 = 0
    private var lastAvailable: UInt16 = 0
    private var hostFeaturesSelect: UInt32 = 0
    public private(set) var interruptStatus: UInt32 = 0
    /// Requests done: for the monitor's counters.
    public private(set) var requests = 0
    /// Called with each range of guest memory (address, bytes) before the device reads or writes it: the
    /// monitor makes the pages resident.
    public var prepare: ((UInt32, UInt32) -> Void)?

    /// A disk of `bytes` on `storage`.
    public init(memory: GuestMemory, storage: any BlockStorage, bytes: UInt64) {
        self.memory = memory
        self.storage = storage
        sectors = bytes / UInt64(Self.sectorBytes)
    }

    public func read(offset: UInt32, width: Int) -> UInt32? {
        guard width == 4 else { return offset >= 0x100 ? configuration(offset, width: width) : nil }
        switch offset {
        case 0x000: return Self.magic
        case 0x004: return 1  // legacy
        case 0x008: return 2  // block device
        case 0x00c: return 0x554d_4551  // "QEMU", as QEMU's own
        case 0x010: return 0  // no optional features
        case 0x034: return Self.queueSize
        case 0x040: return queuePage
        case 0x060: return interruptStatus
        case 0x070: return status
        default: return offset >= 0x100 ? configuration(offset, width: width) : 0
        }
    }

    /// The configuration space: the capacity in sectors (a 64-bit field at 0x100).
    private func configuration(_ offset: UInt32, width: Int) -> UInt32? {
        var bytes = [UInt8](repeating: 0, count: 8)
        withUnsafeBytes(of: sectors.littleEndian) { bytes = Array($0) }
        let start = Int(offset) - 0x100
        guard start >= 0, start + width <= 8 else { return 0 }
        var value: UInt32 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt32(bytes[start + index]) }
        return value
    }

    public func write(offset: UInt32, width: Int, value: UInt32) -> Bool {
        guard width == 4 else { return false }
        switch offset {
        case 0x014: hostFeaturesSelect = value
        case 0x020, 0x024, 0x030: break  // no features to take; one queue
        case 0x028: pageSize = value == 0 ? 4096 : value
        case 0x038: queueSize = min(value, Self.queueSize)
        case 0x03c: queueAlign = value == 0 ? 4096 : value
        case 0x040:
            queuePage = value
            lastAvailable = 0
        case 0x050: if value == 0 { processQueue() }
        case 0x064: interruptStatus &= ~value
        case 0x070:
            status = value
            if value == 0 { reset() }
        default: break
        }
        return true
    }

    private func reset() {
        queuePage = 0
        queueSize = 0
        lastAvailable = 0
        interruptStatus = 0
    }

    // MARK: - The queue (legacy layout: descriptors, then the available ring, then at `queueAlign` the used ring)

    private var descriptors: UInt32 { queuePage &* pageSize }
    private var available: UInt32 { descriptors &+ 16 &* queueSize }
    private var used: UInt32 {
        let end = available &+ 6 &+ 2 &* queueSize
        return (end &+ queueAlign &- 1) / queueAlign &* queueAlign
    }

    private func processQueue() {
        guard queuePage != 0, queueSize > 0, memory.contains(descriptors, count: 16 * queueSize),
            memory.contains(used, count: 6 + 8 * queueSize)
        else { return }
        prepare?(descriptors, used &+ 6 &+ 8 &* queueSize &- descriptors)
        let availableIndex = halfword(available + 2)
        var usedIndex = halfword(used + 2)
        while lastAvailable != availableIndex {
            let head = UInt32(halfword(available + 4 + 2 * (UInt32(lastAvailable) % queueSize)))
            let written = perform(chainFrom: head)
            let entry = used + 4 + 8 * (UInt32(usedIndex) % queueSize)
            memory.setWord(head, at: entry)
            memory.setWord(written, at: entry + 4)
            usedIndex &+= 1
            lastAvailable &+= 1
            requests += 1
        }
        setHalfword(usedIndex, at: used + 2)
        interruptStatus |= 1
    }

    /// One request: its header (type, sector), its data buffers, its status byte. Returns the bytes
    /// written into guest memory.
    private func perform(chainFrom head: UInt32) -> UInt32 {
        var chain: [(address: UInt32, length: UInt32, writable: Bool)] = []
        var index = head
        for _ in 0..<queueSize {
            guard index < queueSize else { break }
            let descriptor = descriptors + 16 * index
            let address = memory.word(at: descriptor)  // the high word of the 64-bit address is 0 here
            let length = memory.word(at: descriptor + 8)
            let flags = halfword(descriptor + 12)
            chain.append((address, length, flags & 2 != 0))
            guard flags & 1 != 0 else { break }
            index = UInt32(halfword(descriptor + 14))
        }
        guard chain.count >= 2, let status = chain.last, status.writable,
            memory.contains(chain[0].address, count: 16), memory.contains(status.address, count: 1)
        else { return 0 }
        for buffer in chain where memory.contains(buffer.address, count: buffer.length) {
            prepare?(buffer.address, buffer.length)
        }
        let type = memory.word(at: chain[0].address)
        let sector =
            UInt64(memory.word(at: chain[0].address + 8)) | UInt64(memory.word(at: chain[0].address + 12)) << 32
        var offset = sector * UInt64(Self.sectorBytes)
        var written: UInt32 = 1
        var result: UInt8 = 0
        for buffer in chain.dropFirst().dropLast() {
            guard memory.contains(buffer.address, count: buffer.length),
                offset + UInt64(buffer.length) <= sectors * UInt64(Self.sectorBytes)
            else {
                result = 1
                break
            }
            do {
                switch type {
                case 0:  // read into the guest
                    memory.write(try storage.read(at: offset, count: Int(buffer.length)), at: buffer.address)
                    written += buffer.length
                case 1:  // write from the guest (to every replica)
                    try storage.write(memory.read(buffer.address, count: Int(buffer.length)), at: offset)
                case 4:  // flush
                    try storage.flush()
                default:
                    result = 2  // unsupported
                }
            } catch {
                result = 1
            }
            offset += UInt64(buffer.length)
        }
        if type == 4 && chain.count == 2 {
            do { try storage.flush() } catch { result = 1 }
        }
        memory.write([result], at: status.address)
        return written
    }

    private func halfword(_ address: UInt32) -> UInt16 {
        UInt16(truncatingIfNeeded: memory.word(at: address & ~3) >> ((address & 2) * 8))
    }

    private func setHalfword(_ value: UInt16, at address: UInt32) {
        let word = memory.word(at: address & ~3)
        let shift = (address & 2) * 8
        memory.setWord(word & ~(0xffff << shift) | UInt32(value) << shift, at: address & ~3)
    }
}
