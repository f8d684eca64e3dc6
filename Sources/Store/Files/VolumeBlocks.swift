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

    /// Threads reading and hashing blocks at once: reads wait on the disk, so more threads than cores
    /// keep it busy while the cores hash.
    static let readers = 8

    /// Calls `body` with each block of the replica that holds data, from `readers` threads at once and
    /// in no particular order: holes are skipped without reading (SEEK_DATA/SEEK_HOLE), and blocks that
    /// read as all zeros are skipped too. `body` gets the block's index, its bytes (valid only during the
    /// call) and their SHA-256, and returns an error to stop. On two cores a volume is read, hashed and
    /// stored about as fast as the disk reads it.
    ///
    /// - Parameter only: the blocks to look at (a snapshot's changed blocks), in place of every block that
    ///   holds data.
    public static func forEachDataBlock(
        of files: VolumeReplicaFiles, replica: Int, only: [Int64]? = nil,
        _ body:
            @escaping @Sendable (_ index: Int64, _ bytes: UnsafeRawBufferPointer, _ digest: BlobDigest) ->
            FileSystemError?
    ) throws(FileSystemError) {
        let segments = files.segments(replica: replica)
        var descriptors: [Int32] = []
        defer { for fd in descriptors { close(fd) } }
        let blocksPerSegment = VolumeReplicaFiles.segmentBytes / Int64(blockSize)
        var work: [(segment: Int, block: Int64)] = []
        for (index, segment) in segments.enumerated() {
            let fd = try openFile(segment.path, O_RDONLY)
            descriptors.append(fd)
            if only == nil {
                for block in try dataBlocks(fd, size: segment.size, path: segment.path) { work.append((index, block)) }
            }
        }
        if let only {
            for block in only {
                let segment = Int(block / blocksPerSegment)
                let inSegment = block % blocksPerSegment
                guard segment < segments.count, inSegment * Int64(blockSize) < segments[segment].size else { continue }
                work.append((segment, inSegment))
            }
        }
        let (fds, blocks) = (descriptors, work)
        let error = ParallelSync.forEach(
            blocks.count, width: readers,
            state: { UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 4096) },
            finish: { $0.deallocate() }
        ) { buffer, item in
            let (segment, block) = blocks[item]
            let offset = block * Int64(blockSize)
            let count = Int(min(Int64(blockSize), segments[segment].size - offset))
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
            if let error = readFully(fds[segment], into: target, at: offset) {
                return failure("pread", segments[segment].path, error)
            }
            let bytes = UnsafeRawBufferPointer(target)
            if isZero(bytes) { return nil }
            return body(Int64(segment) * blocksPerSegment + block, bytes, BlobDigest(of: bytes))
        }
        if let error { throw error }
    }

    /// Writes blocks stored as blobs into every replica through `writer`, from `readers` threads at once:
    /// each reads a blob (its hash checked, a bad zone copy repaired from the good one) and writes it in
    /// place. The caller syncs the writer.
    public static func restore(
        _ blocks: [(index: Int64, digest: BlobDigest, size: Int)], from store: BlobStore, into writer: Writer
    ) throws(BlobError) {
        let error: BlobError? = ParallelSync.forEach(
            blocks.count, width: readers,
            state: { UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 4096) },
            finish: { $0.deallocate() }
        ) { buffer, item in
            let block = blocks[item]
            guard block.size > 0, block.size <= blockSize else { return .lost(block.digest) }
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<block.size])
            do throws(BlobError) {
                let damaged = try store.read(block.digest, into: target)
                let bytes = UnsafeRawBufferPointer(target)
                for zone in damaged { try? store.repair(block.digest, in: zone, from: Array(bytes)) }
                do throws(FileSystemError) {
                    try writer.write(block.index, bytes)
                } catch {
                    return .file(error)
                }
                return nil
            } catch {
                return error
            }
        }
        if let error { throw error }
    }

    /// The indices of the blocks of a segment that hold allocated ranges.
    private static func dataBlocks(_ fd: Int32, size: Int64, path: FilePath) throws(FileSystemError) -> [Int64] {
        var blocks: [Int64] = []
        var position: Int64 = 0
        while position < size {
            let dataStart = lseek(fd, off_t(position), seekData)
            if dataStart < 0 {
                if errno == ENXIO { break }
                throw failure("lseek", path)
            }
            let holeStart = Int64(lseek(fd, dataStart, seekHole))
            guard holeStart >= 0 else { throw failure("lseek", path) }
            var block = Int64(dataStart) / Int64(blockSize)
            while block * Int64(blockSize) < holeStart {
                blocks.append(block)
                block += 1
            }
            position = block * Int64(blockSize)
        }
        return blocks
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

    /// Reads `buffer.count` bytes at `offset`; past the end of the file reads as zeros. Returns the errno
    /// of a failed read.
    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Errno? {
        var done = 0
        while done < buffer.count {
            let result = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if result < 0 {
                if errno == EINTR { continue }
                return Errno(rawValue: errno)
            }
            if result == 0 {
                (buffer.baseAddress! + done).initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count - done)
                return nil
            }
            done += result
        }
        return nil
    }

    static func failure(_ operation: String, _ path: FilePath, _ error: Errno? = nil) -> FileSystemError {
        FileSystemError(operation, path: path.string, errno: error ?? Errno(rawValue: errno))
    }
}
