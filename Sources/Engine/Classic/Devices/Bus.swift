/// The hart's physical address space: RAM, and devices at windows of their own. An access that hits
/// neither is an access fault.
public final class Bus {
    public let memory: GuestMemory
    private var windows: [(base: UInt32, size: UInt32, device: any MMIODevice)] = []

    public init(memory: GuestMemory) {
        self.memory = memory
    }

    public func map(_ device: any MMIODevice, at base: UInt32, size: UInt32) {
        windows.append((base, size, device))
    }

    private func window(_ address: UInt32) -> (device: any MMIODevice, offset: UInt32)? {
        for window in windows {
            let offset = address &- window.base
            if offset < window.size { return (window.device, offset) }
        }
        return nil
    }

    /// A load of `width` bytes (zero-extended); nil: nothing answers there.
    @inline(__always)
    public func load(_ address: UInt32, width: Int) -> UInt32? {
        let offset = address &- memory.base
        if offset < memory.size && memory.size - offset >= UInt32(width) {
            let pointer = memory.bytes + Int(offset)
            switch width {
            case 1: return UInt32(pointer.load(as: UInt8.self))
            case 2: return UInt32(pointer.loadUnaligned(as: UInt16.self))
            default: return pointer.loadUnaligned(as: UInt32.self)
            }
        }
        guard let (device, offset) = window(address) else { return nil }
        return device.read(offset: offset, width: width)
    }

    /// A store of the low `width` bytes of `value`; false: nothing takes it there.
    @inline(__always)
    public func store(_ address: UInt32, width: Int, value: UInt32) -> Bool {
        let offset = address &- memory.base
        if offset < memory.size && memory.size - offset >= UInt32(width) {
            let pointer = memory.bytes + Int(offset)
            switch width {
            case 1: pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
            case 2: pointer.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: 0, as: UInt16.self)
            default: pointer.storeBytes(of: value, toByteOffset: 0, as: UInt32.self)
            }
            return true
        }
        guard let (device, offset) = window(address) else { return false }
        return device.write(offset: offset, width: width, value: value)
    }

    /// An instruction word; nil outside RAM (devices hold no code).
    @inline(__always)
    func fetch(_ address: UInt32) -> UInt32? {
        let offset = address &- memory.base
        guard offset < memory.size && memory.size - offset >= 4 else { return nil }
        return (memory.bytes + Int(offset)).loadUnaligned(as: UInt32.self)
    }
}
