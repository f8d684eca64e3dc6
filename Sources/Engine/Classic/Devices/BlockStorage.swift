import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a virtio disk of the classic engine stores its sectors in.
public protocol BlockStorage: AnyObject {
    /// `count` bytes from `offset`; zeros past what the storage holds.
    func read(at offset: UInt64, count: Int) throws -> [UInt8]
    func write(_ bytes: [UInt8], at offset: UInt64) throws
    /// Makes every completed write durable.
    func flush() throws
}

/// An EBS volume's replica files: a write reaches every replica before it completes; reads come from the
/// first. The files are opened at the first access, so a guest that never touches its disk holds none.
/// Each write is marked in the volume's change map first, when it has one.
public final class ReplicatedFiles: BlockStorage {
    private let paths: [String]
    private let changeMapPath: String?
    private var changes: VolumeChangeMap?
    private var descriptors: [Int32] = []

    public init(_ paths: [String], changeMap: String? = nil) throws {
        changeMapPath = changeMap
        guard !paths.isEmpty else { throw CocoaError(.fileNoSuchFile) }
        for path in paths where access(path, R_OK | W_OK) != 0 {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        self.paths = paths
    }

    deinit { for descriptor in descriptors { close(descriptor) } }

    private func open() throws -> [Int32] {
        if descriptors.isEmpty {
            for path in paths {
                let descriptor = Glibc.open(path, O_RDWR | O_CLOEXEC)
                guard descriptor >= 0 else {
                    for opened in descriptors { close(opened) }
                    descriptors = []
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                descriptors.append(descriptor)
            }
            changes = changeMapPath.flatMap(VolumeChangeMap.open(at:))
        }
        return descriptors
    }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        try FileIO.read(try open()[0], at: offset, count: count)
    }

    public func write(_ bytes: [UInt8], at offset: UInt64) throws {
        let descriptors = try open()
        changes?.markWritten(offset: offset, count: bytes.count)
        for descriptor in descriptors { try FileIO.write(descriptor, bytes, at: offset) }
    }

    public func flush() throws {
        changes?.sync()
        for descriptor in try open() where fsync(descriptor) != 0 {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}

/// An instance-store root: it starts as the image's root disk (`base`, only read) and keeps what the guest
/// writes in `path`, a sparse file made at the first write (none at all for a guest that never writes, so
/// thousands boot without a file each). Nothing outlives the instance: the overlay is erased when it ends.
public final class EphemeralOverlay: BlockStorage {
    private let base: String
    private let path: String
    private let bytes: UInt64
    private var baseDescriptor: Int32 = -1
    private var overlayDescriptor: Int32 = -1
    /// One bit per sector the guest wrote: those come from the overlay.
    private var written: [UInt64] = []
    static let sector = 512

    public init(base: String, path: String, bytes: UInt64) {
        self.base = base
        self.path = path
        self.bytes = bytes
    }

    deinit {
        if baseDescriptor >= 0 { close(baseDescriptor) }
        if overlayDescriptor >= 0 { close(overlayDescriptor) }
    }

    private func isWritten(_ sector: UInt64) -> Bool {
        let word = Int(sector / 64)
        return word < written.count && written[word] >> (sector % 64) & 1 == 1
    }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var position = offset
        let end = offset + UInt64(count)
        while position < end {
            // A run of sectors from the same place.
            let sector = position / UInt64(Self.sector)
            let fromOverlay = isWritten(sector)
            var next = (sector + 1) * UInt64(Self.sector)
            while next < end, isWritten(next / UInt64(Self.sector)) == fromOverlay { next += UInt64(Self.sector) }
            let length = Int(min(next, end) - position)
            if fromOverlay {
                result += try FileIO.read(overlayDescriptor, at: position, count: length)
            } else {
                if baseDescriptor < 0 { baseDescriptor = Glibc.open(base, O_RDONLY | O_CLOEXEC) }
                result +=
                    baseDescriptor >= 0
                    ? try FileIO.read(baseDescriptor, at: position, count: length)
                    : [UInt8](repeating: 0, count: length)
            }
            position += UInt64(length)
        }
        return result
    }

    public func write(_ data: [UInt8], at offset: UInt64) throws {
        if overlayDescriptor < 0 {
            overlayDescriptor = Glibc.open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard overlayDescriptor >= 0, ftruncate(overlayDescriptor, off_t(bytes)) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            written = [UInt64](repeating: 0, count: Int((bytes / UInt64(Self.sector) + 63) / 64))
        }
        // A partial sector at either end keeps the rest of that sector as the base had it.
        let first = offset / UInt64(Self.sector)
        let last = (offset + UInt64(data.count) - 1) / UInt64(Self.sector)
        let start = first * UInt64(Self.sector)
        let stop = (last + 1) * UInt64(Self.sector)
        var whole = data
        if start != offset || stop != offset + UInt64(data.count) {
            whole = try read(at: start, count: Int(stop - start))
            whole.replaceSubrange(Int(offset - start)..<Int(offset - start) + data.count, with: data)
        }
        try FileIO.write(overlayDescriptor, whole, at: start)
        for sector in first...last where Int(sector / 64) < written.count {
            written[Int(sector / 64)] |= 1 << (sector % 64)
        }
    }

    /// Ephemeral: nothing of it is to survive a crash of the host.
    public func flush() throws {}
}

/// pread and pwrite whole, retried on short counts.
enum FileIO {
    static func read(_ descriptor: Int32, at offset: UInt64, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = buffer[done...].withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress, $0.count, off_t(offset) + off_t(done))
            }
            if got < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            if got == 0 { break }  // past the end: zeros
            done += got
        }
        return buffer
    }

    static func write(_ descriptor: Int32, _ bytes: [UInt8], at offset: UInt64) throws {
        var done = 0
        while done < bytes.count {
            let put = bytes[done...].withUnsafeBytes {
                pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset) + off_t(done))
            }
            if put <= 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            done += put
        }
    }
}
