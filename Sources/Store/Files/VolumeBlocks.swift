import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A volume seen as fixed-size blocks, the unit of snapshots: reading the blocks that hold data from a
/// replica, and writing blocks back into every replica of a new volume.
public enum VolumeBlocks {
    /// 512 KiB, as EBS snapshots cut volumes.
    public static let blockSize = 512 << 10
    private static let seekData: Int32 = 3
    private static let seekHole: Int32 = 4

    /// Calls `body` with each block of the replica that holds data, in order: holes are skipped without
    /// reading (SEEK_DATA/SEEK_HOLE), and blocks that read as all zeros are skipped too. `body` gets the
    /// block's index and its bytes, valid only during the call.
    public static func forEachDataBlock(
        of files: VolumeReplicaFiles, replica: Int,
        _ body: (_ index: Int64, _ bytes: UnsafeRawBufferPointer) throws(FileSystemError) -> Void
    ) throws(FileSystemError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 4096)
        defer { buffer.deallocate() }
        let blocksPerSegment = VolumeReplicaFiles.segmentBytes / Int64(blockSize)
        for (segmentIndex, segment) in files.segments(replica: replica).enumerated() {
            let fd = try openFile(segment.path, O_RDONLY)
            defer { close(fd) }
            let firstBlock = Int64(segmentIndex) * blocksPerSegment
            var position: Int64 = 0
            while position < segment.size {
                let dataStart = lseek(fd, off_t(position), seekData)
                if dataStart < 0 {
                    if errno == ENXIO { break }
                    throw failure("lseek", segment.path)
                }
                let holeStart = Int64(lseek(fd, dataStart, seekHole))
                guard holeStart >= 0 else { throw failure("lseek", segment.path) }
                var block = Int64(dataStart) / Int64(blockSize)
                while block * Int64(blockSize) < holeStart {
                    let offset = block * Int64(blockSize)
                    let count = Int(min(Int64(blockSize), segment.size - offset))
                    try readFully(
                        fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), at: offset,
                        path: segment.path)
                    let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                    if !isZero(bytes) { try body(firstBlock + block, bytes) }
                    block += 1
                }
                position = block * Int64(blockSize)
            }
        }
    }

    /// Writes blocks into every replica of a volume at their places; `sync` makes them durable.
    /// Blocks not written stay holes.
    public final class Writer: @unchecked Sendable {
        private let files: VolumeReplicaFiles
        private var descriptors: [[Int32]] = []

        public init(_ files: VolumeReplicaFiles) throws(FileSystemError) {
            self.files = files
            do {
                for replica in 0..<VolumeReplicaFiles.replicaCount {
                    var opened: [Int32] = []
                    for segment in files.segments(replica: replica) {
                        opened.append(try VolumeBlocks.openFile(segment.path, O_WRONLY))
                    }
                    descriptors.append(opened)
                }
            } catch {
                closeAll()
                throw error
            }
        }

        deinit { closeAll() }

        public func write(_ index: Int64, _ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
            let blocksPerSegment = VolumeReplicaFiles.segmentBytes / Int64(VolumeBlocks.blockSize)
            let segment = Int(index / blocksPerSegment)
            let offset = (index % blocksPerSegment) * Int64(VolumeBlocks.blockSize)
            for (replica, fds) in descriptors.enumerated() {
                let path = files.segments(replica: replica)[segment].path
                guard segment < fds.count, offset + Int64(bytes.count) <= files.segments(replica: replica)[segment].size
                else { throw FileSystemError("pwrite", path: path.string, errno: .invalidArgument) }
                var written = 0
                while written < bytes.count {
                    let result = pwrite(
                        fds[segment], bytes.baseAddress! + written, bytes.count - written,
                        off_t(offset) + off_t(written))
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw VolumeBlocks.failure("pwrite", path)
                    }
                    written += result
                }
            }
        }

        public func sync() throws(FileSystemError) {
            for (replica, fds) in descriptors.enumerated() {
                for (segment, fd) in fds.enumerated() where fsync(fd) != 0 {
                    throw VolumeBlocks.failure("fsync", files.segments(replica: replica)[segment].path)
                }
            }
        }

        private func closeAll() {
            for fds in descriptors { for fd in fds { close(fd) } }
            descriptors = []
        }
    }

    static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let words = bytes.count / 8
        let base = bytes.baseAddress!
        for index in 0..<words where base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) != 0 {
            return false
        }
        for index in (words * 8)..<bytes.count where bytes[index] != 0 { return false }
        return true
    }

    static func openFile(_ path: FilePath, _ flags: Int32) throws(FileSystemError) -> Int32 {
        while true {
            let fd = open(path.string, flags | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure("open", path) }
        }
    }

    private static func readFully(
        _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64,
        path: FilePath
    ) throws(FileSystemError) {
        var done = 0
        while done < buffer.count {
            let result = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if result < 0 {
                if errno == EINTR { continue }
                throw failure("pread", path)
            }
            if result == 0 {
                // Past the end (a file shorter than its row says): the rest reads as zeros.
                (buffer.baseAddress! + done).initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count - done)
                return
            }
            done += result
        }
    }

    static func failure(_ operation: String, _ path: FilePath) -> FileSystemError {
        FileSystemError(operation, path: path.string, errno: Errno(rawValue: errno))
    }
}
