import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which 512 KiB blocks of a volume were written since its last snapshot froze it: changed-block
/// tracking, as EBS keeps it for its direct APIs, so that a snapshot reads only those blocks and takes the
/// others from the snapshot before it.
///
/// The map is `<vol-id>.changes` beside replica 0: a header page, then two bitmaps (generations) of one
/// bit per block, `generationBytes` apart (room for the largest volume), in a sparse file every user maps
/// shared. A writer marks the blocks it is about to write in the active generation. A snapshot's capture,
/// while nothing writes (the volume held still), makes the other generation active and reads the blocks
/// of the one it froze; once the snapshot is complete the frozen generation is cleared.
///
/// The map is trusted only while it says `tracked`. Whatever writes without marking (QEMU) makes it
/// untracked before it gets the volume, and so does a capture that did not complete; the next capture
/// then reads the whole volume and tracks again from its own freeze. A volume without a map (made before
/// maps existed) is never tracked.
public final class VolumeChangeMap: @unchecked Sendable {
    /// 512 KiB, the block of snapshots.
    public static let blockSize = 512 << 10
    static let headerBytes = 4096
    /// One bit per block of a 64 TiB volume, EBS's largest.
    static let generationBytes = 16 << 20
    static let fileBytes = headerBytes + 2 * generationBytes
    private static let magic: UInt64 = 0x4941_4153_4342_5431  // "IAASCBT1"

    /// Header words (8 bytes each) and the base snapshot's id.
    private enum Field: Int {
        case magic = 0
        case active = 1
        case tracked = 2
        /// 0: no capture; 1 + g: generation g is frozen by a capture.
        case frozen = 3
        case baseLength = 4
    }
    private static let baseOffset = 64
    private static let baseCapacity = 64

    private let fd: Int32
    private let memory: UnsafeMutableRawPointer

    /// The map of the volume whose replica 0 starts with `firstSegment` (`<dir>/<vol-id>.0.raw`).
    public static func path(forFirstSegment firstSegment: String) -> String {
        let directory = (firstSegment as NSString).deletingLastPathComponent
        let name = (firstSegment as NSString).lastPathComponent
        let volume = name.prefix { $0 != "." }
        return directory + "/" + volume + ".changes"
    }

    /// Makes a new map, untracked, and makes it durable (the caller syncs the directory).
    public static func create(at path: String) throws {
        let fd = Glibc.open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.error("open", path) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(fileBytes)) == 0 else { throw Self.error("ftruncate", path) }
        var header = [UInt64](repeating: 0, count: 5)
        header[Field.magic.rawValue] = magic
        let written = header.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == header.count * 8, fsync(fd) == 0 else { throw Self.error("write", path) }
    }

    /// Opens a map; nil when there is none (or it is not one).
    public static func open(at path: String) -> VolumeChangeMap? {
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) == fileBytes,
            let memory = mmap(nil, fileBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), memory != MAP_FAILED
        else {
            close(fd)
            return nil
        }
        let map = VolumeChangeMap(fd: fd, memory: memory)
        guard map[.magic] == magic else { return nil }
        return map
    }

    private init(fd: Int32, memory: UnsafeMutableRawPointer) {
        self.fd = fd
        self.memory = memory
    }

    deinit {
        munmap(memory, Self.fileBytes)
        close(fd)
    }

    private subscript(field: Field) -> UInt64 {
        get { memory.load(fromByteOffset: field.rawValue * 8, as: UInt64.self) }
        set { memory.storeBytes(of: newValue, toByteOffset: field.rawValue * 8, as: UInt64.self) }
    }

    private func generation(_ index: Int) -> UnsafeMutableRawPointer {
        memory + Self.headerBytes + index * Self.generationBytes
    }

    // MARK: Writers

    /// Marks the blocks that a write of `count` bytes at `offset` touches, before the write.
    public func markWritten(offset: UInt64, count: Int) {
        guard count > 0 else { return }
        let bits = generation(Int(self[.active] & 1))
        let first = offset / UInt64(Self.blockSize)
        let last = (offset + UInt64(count) - 1) / UInt64(Self.blockSize)
        guard last < UInt64(Self.generationBytes * 8) else {
            self[.tracked] = 0
            return
        }
        for block in first...last {
            let byte = Int(block / 8)
            let mask = UInt8(1) << (block % 8)
            let old = bits.load(fromByteOffset: byte, as: UInt8.self)
            if old & mask == 0 { bits.storeBytes(of: old | mask, toByteOffset: byte, as: UInt8.self) }
        }
    }

    /// Makes the marks durable (with the writer's own flush, so that a flushed write is never unmarked).
    public func sync() {
        _ = msync(memory, Self.fileBytes, MS_SYNC)
    }

    /// Says the map no longer knows what changed (a writer that does not mark is about to get the volume).
    public func untrack() {
        self[.tracked] = 0
        sync()
    }

    // MARK: Captures

    /// What a capture froze.
    public struct Freeze: Sendable {
        /// The blocks written since the base snapshot's freeze, in order; nil when the map cannot say
        /// (untracked, or another capture's generation still frozen): read the whole volume.
        public let changed: [Int64]?
        /// The snapshot whose freeze the changes count from.
        public let baseSnapshotId: String?
        let generation: Int?
        /// The volume's blocks at the freeze: no mark lies past them.
        let blocks: Int64
    }

    /// Freezes the active generation and starts the other, while nothing writes the volume. A capture
    /// interrupted earlier (a generation still frozen, which only a crash leaves) makes the map untracked.
    public func freeze(blocks: Int64) -> Freeze {
        guard self[.frozen] == 0 else {
            // The generation a crashed capture froze: its marks are lost, so nothing is known.
            let stale = Int(self[.frozen] - 1) & 1
            clear(stale, blocks: blocks)
            self[.frozen] = 0
            self[.tracked] = 0
            sync()
            return Freeze(changed: nil, baseSnapshotId: nil, generation: nil, blocks: blocks)
        }
        let frozen = Int(self[.active] & 1)
        let tracked = self[.tracked] == 1
        let base = baseSnapshotId
        self[.frozen] = UInt64(1 + frozen)
        self[.active] = UInt64(1 - frozen)
        sync()
        guard tracked, base != nil else {
            return Freeze(changed: nil, baseSnapshotId: nil, generation: frozen, blocks: blocks)
        }
        var changed: [Int64] = []
        let bits = generation(frozen)
        for word in 0..<Self.words(blocks) {
            var value = bits.load(fromByteOffset: word * 8, as: UInt64.self)
            while value != 0 {
                let bit = value.trailingZeroBitCount
                changed.append(Int64(word * 64 + bit))
                value &= value - 1
            }
        }
        return Freeze(changed: changed, baseSnapshotId: base, generation: frozen, blocks: blocks)
    }

    /// Ends a capture: on success the snapshot is the new base and the map is tracked when `writerMarks`
    /// (nothing that writes without marking has the volume); otherwise the map is untracked.
    public func thaw(_ freeze: Freeze, completed snapshotId: String?, writerMarks: Bool) {
        guard let frozen = freeze.generation, self[.frozen] == UInt64(1 + frozen) else { return }
        clear(frozen, blocks: freeze.blocks)
        if let snapshotId, writerMarks {
            baseSnapshotId = snapshotId
            self[.tracked] = 1
        } else {
            self[.tracked] = 0
        }
        self[.frozen] = 0
        sync()
    }

    /// Zeroes a generation's first `blocks` bits, storing only into words that are not zero already (a
    /// hole read stays a hole: the map's file holds only pages a writer marked).
    private func clear(_ generation: Int, blocks: Int64) {
        let bits = self.generation(generation)
        for word in 0..<Self.words(blocks) where bits.load(fromByteOffset: word * 8, as: UInt64.self) != 0 {
            bits.storeBytes(of: 0, toByteOffset: word * 8, as: UInt64.self)
        }
    }

    /// The 64-bit words of a generation that hold the bits of `blocks` blocks.
    private static func words(_ blocks: Int64) -> Int {
        Int((min(blocks, Int64(generationBytes * 8)) + 63) / 64)
    }

    private var baseSnapshotId: String? {
        get {
            let length = Int(min(self[.baseLength], UInt64(Self.baseCapacity)))
            guard length > 0 else { return nil }
            return String(
                decoding: UnsafeRawBufferPointer(start: memory + Self.baseOffset, count: length), as: UTF8.self)
        }
        set {
            let bytes = Array((newValue ?? "").utf8.prefix(Self.baseCapacity))
            for (offset, byte) in bytes.enumerated() {
                memory.storeBytes(of: byte, toByteOffset: Self.baseOffset + offset, as: UInt8.self)
            }
            self[.baseLength] = UInt64(bytes.count)
        }
    }

    private static func error(_ operation: String, _ path: String) -> POSIXError {
        POSIXError(
            POSIXErrorCode(rawValue: errno) ?? .EIO, userInfo: [NSFilePathErrorKey: path, "operation": operation])
    }
}
