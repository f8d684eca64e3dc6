#if canImport(Glibc)
    import Glibc
#endif

/// A guest's RAM: one block of host memory at a base address of the bus, mapped anonymous and unreserved,
/// so the host gives it pages (zeroed) only as the guest touches them: an idle guest of 64 MiB costs what
/// it used, not 64 MiB.
public final class GuestMemory {
    public let base: UInt32
    public let size: UInt32
    let bytes: UnsafeMutableRawPointer

    public init(base: UInt32, size: UInt32) {
        self.base = base
        self.size = size
        let mapped = mmap(nil, Int(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        if let mapped, mapped != MAP_FAILED {
            bytes = mapped
        } else {
            // No mapping to be had: ordinary memory, zeroed by hand.
            bytes = UnsafeMutableRawPointer.allocate(byteCount: Int(size), alignment: 4096)
            bytes.initializeMemory(as: UInt8.self, repeating: 0, count: Int(size))
            mappedPages = false
        }
    }

    private var mappedPages = true

    deinit {
        if mappedPages { munmap(bytes, Int(size)) } else { bytes.deallocate() }
    }

    /// Host memory the guest's RAM holds now, in bytes (its resident pages).
    public var residentBytes: Int {
        let pages = (Int(size) + 4095) / 4096
        var vector = [UInt8](repeating: 0, count: pages)
        guard mincore(bytes, Int(size), &vector) == 0 else { return Int(size) }
        return vector.reduce(0) { $0 + Int($1 & 1) } * 4096
    }

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
