import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// What a file offered as a guest's kernel or initial ramdisk is, judged by its bytes: the engine boots
/// `-M microvm` straight into the kernel's PVH entry, so a kernel must be an x86-64 ELF (`vmlinux`) with
/// the Xen PVH entry note, which QEMU looks for; an initramfs is a cpio archive, bare or compressed.
public enum BootFileFormat: Equatable, Sendable {
    /// An x86-64 ELF kernel with a PVH entry point: bootable.
    case pvhKernel
    /// A compressed kernel (`vmlinuz`, the boot protocol's `HdrS`): its ELF is inside.
    case bzImage
    /// An ELF that is not an x86-64 kernel with a PVH entry.
    case elfWithoutPVH
    /// A cpio archive (newc), or one compressed by gzip, zstd, xz, lzma, lz4 or bzip2: the kernel's
    /// initramfs formats.
    case initramfs
    case unknown

    /// What the file at `path` is; nil when it cannot be read.
    public static func identify(_ path: FilePath) -> BootFileFormat? {
        let fd = open(path.string, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return identify { offset, count in
            var bytes = [UInt8](repeating: 0, count: count)
            let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            return read == count ? bytes : nil
        }
    }

    /// What the bytes `read(offset, count)` gives are (nil from `read`: fewer than `count` bytes there).
    public static func identify(_ read: (_ offset: Int, _ count: Int) -> [UInt8]?) -> BootFileFormat {
        // The longest magic is 6 bytes; a file may be shorter than the 16 an ELF check reads.
        guard let head = read(0, 16) else {
            for count in (2...6).reversed() {
                if let head = read(0, count) { return identifyRamdisk(head) }
            }
            return .unknown
        }
        if head.starts(with: [0x7f, 0x45, 0x4c, 0x46]) { return isPVHKernel(read) ? .pvhKernel : .elfWithoutPVH }
        if read(0x202, 4) == Array("HdrS".utf8) { return .bzImage }
        return identifyRamdisk(head)
    }

    private static func identifyRamdisk(_ head: [UInt8]) -> BootFileFormat {
        let magics: [[UInt8]] = [
            Array("070701".utf8), Array("070702".utf8),  // cpio newc, and newc with checksums
            [0x1f, 0x8b],  // gzip
            [0x28, 0xb5, 0x2f, 0xfd],  // zstd
            [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],  // xz
            [0x5d, 0x00, 0x00],  // lzma
            [0x02, 0x21, 0x4c, 0x18],  // lz4 (legacy frames, as the kernel writes them)
            Array("BZh".utf8),  // bzip2
        ]
        return magics.contains { head.starts(with: $0) } ? .initramfs : .unknown
    }

    /// An ELF64, little-endian, x86-64 file with a `PT_NOTE` holding the note `Xen`/18
    /// (`XEN_ELFNOTE_PHYS32_ENTRY`): the 32-bit entry point QEMU's PVH loader jumps to.
    private static func isPVHKernel(_ read: (_ offset: Int, _ count: Int) -> [UInt8]?) -> Bool {
        guard let header = read(0, 64), header[4] == 2, header[5] == 1, integer(header, at: 18, size: 2) == 62
        else { return false }
        let tableOffset = integer(header, at: 32, size: 8)
        let entrySize = integer(header, at: 54, size: 2)
        let entries = integer(header, at: 56, size: 2)
        guard entrySize >= 56, tableOffset < 1 << 40,
            let table = read(tableOffset, entrySize * entries)
        else { return false }
        for index in 0..<entries {
            let entry = index * entrySize
            guard integer(table, at: entry, size: 4) == 4 else { continue }  // PT_NOTE
            let offset = integer(table, at: entry + 8, size: 8)
            let size = integer(table, at: entry + 32, size: 8)
            guard offset < 1 << 40, size <= 1 << 20, let notes = read(offset, size) else { continue }
            if containsPVHNote(notes) { return true }
        }
        return false
    }

    private static func containsPVHNote(_ notes: [UInt8]) -> Bool {
        var position = 0
        while position + 12 <= notes.count {
            let nameSize = integer(notes, at: position, size: 4)
            let descriptionSize = integer(notes, at: position + 4, size: 4)
            let type = integer(notes, at: position + 8, size: 4)
            let name = position + 12
            guard nameSize <= notes.count, descriptionSize <= notes.count else { return false }
            if type == 18, nameSize == 4, name + 4 <= notes.count, Array(notes[name..<name + 4]) == Array("Xen\0".utf8)
            {
                return true
            }
            position = name + aligned(nameSize) + aligned(descriptionSize)
        }
        return false
    }

    private static func aligned(_ size: Int) -> Int { (size + 3) & ~3 }

    /// A little-endian unsigned integer of `size` bytes at `offset`; 0 past the end.
    private static func integer(_ bytes: [UInt8], at offset: Int, size: Int) -> Int {
        guard offset >= 0, offset + size <= bytes.count else { return 0 }
        var value = 0
        for index in (0..<size).reversed() { value = value << 8 | Int(bytes[offset + index]) }
        return value
    }
}
