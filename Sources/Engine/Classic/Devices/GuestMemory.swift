/// A guest's RAM: one block of host memory, zeroed, at a base address of the bus.
public final class GuestMemory {
    public let base: UInt32
    public let size: UInt32
    let bytes: UnsafeMutableRawPointer

    public init(base: UInt32, size: UInt32) {
        self.base = base
        self.size = size
        bytes = UnsafeMutableRawPointer.allocate(byteCount: Int(size), alignment: 4096)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: Int(size))
    }

    deinit { bytes.deallocate() }

    /// Whether `count` bytes at `address` lie in RAM.
    public func contains(_ address: UInt32, count: UInt32) -> Bool {
        let offset = address &- base
        return offset < size && size - offset >= count
    }

    /// Copies `data` in at `address` (which must lie in RAM).
    public func write(_ data: [UInt8], at address: UInt32) {
        precondition(contains(address, count: UInt32(data.count)), "outside the guest's RAM")
        data.withUnsafeBytes { (bytes + Int(address - base)).copyMemory(from: $0.baseAddress!, byteCount: data.count) }
    }

    public func read(_ address: UInt32, count: Int) -> [UInt8] {
        precondition(contains(address, count: UInt32(count)), "outside the guest's RAM")
        return Array(UnsafeRawBufferPointer(start: bytes + Int(address - base), count: count))
    }
}
