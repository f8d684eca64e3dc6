import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The crash-safe file operations every on-disk area uses.
///
/// The protocol: content goes to a temporary name, is fsynced, renamed into place, and the directory is
/// fsynced, so that after a crash a file is either absent or whole. Sparse volume files have no content at
/// birth, so they are created in place and fsynced: a half-made one is repaired from its row's intent.
public enum DurableFiles {
    // Glibc exports these only under _GNU_SOURCE; the values are Linux's ABI.
    private static let seekData: Int32 = 3
    private static let seekHole: Int32 = 4

    /// Creates (or resizes) a sparse file of exactly `size` bytes and makes its size durable.
    /// The directory is not fsynced here: call `syncDirectory` once after a batch.
    public static func ensureSparseFile(at path: FilePath, size: Int64) throws(FileSystemError) {
        let fd = try open(path, flags: O_CREAT | O_WRONLY | O_CLOEXEC)
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error("fstat", path) }
        if Int64(info.st_size) != size {
            guard ftruncate(fd, off_t(size)) == 0 else { throw error("ftruncate", path) }
        }
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// Grows a file to `size` bytes (never shrinks it) and makes the size durable.
    public static func grow(_ path: FilePath, to size: Int64) throws(FileSystemError) {
        let fd = try open(path, flags: O_WRONLY | O_CLOEXEC)
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error("fstat", path) }
        if Int64(info.st_size) < size {
            guard ftruncate(fd, off_t(size)) == 0 else { throw error("ftruncate", path) }
        }
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// Removes a file if it exists; returns whether it did. The directory is not fsynced here.
    @discardableResult
    public static func removeIfPresent(_ path: FilePath) throws(FileSystemError) -> Bool {
        if unlink(path.string) == 0 { return true }
        // Absent, or its directory is absent or not a directory: nothing there to remove.
        if errno == ENOENT || errno == ENOTDIR { return false }
        throw error("unlink", path)
    }

    /// Makes the creations, renames and removals in a directory durable.
    public static func syncDirectory(_ path: FilePath) throws(FileSystemError) {
        let fd = try open(path, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { _ = close(fd) }
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// The mode of every directory the daemon makes: the owner's alone.
    public static let directoryMode: mode_t = 0o700
    /// The mode of every file the daemon makes: the owner's alone.
    public static let fileMode: mode_t = 0o600

    /// Creates a directory and its parents if they do not exist, durably: the parent of each directory it
    /// made is fsynced, so a crash cannot lose a directory that files were then created in.
    public static func makeDirectories(_ path: FilePath, syncing: Bool = true) throws(FileSystemError) {
        var prefix = path.root.map { FilePath(root: $0) } ?? FilePath()
        for component in path.components {
            let parent = prefix
            prefix.append(component)
            if mkdir(prefix.string, directoryMode) == 0 {
                if syncing, !parent.isEmpty { try syncDirectory(parent) }
            } else if errno != EEXIST {
                throw error("mkdir", prefix)
            }
        }
    }

    /// Makes a directory (and its parents) exist, durably: when it had to be made, its parent is fsynced.
    public static func ensureDirectory(_ path: FilePath) throws(FileSystemError) {
        if mkdir(path.string, directoryMode) == 0 {
            try syncDirectory(path.removingLastComponent())
            return
        }
        switch errno {
        case EEXIST: return
        case ENOENT: try makeDirectories(path)
        default: throw error("mkdir", path)
        }
    }

    /// Sets a file's or directory's mode; nothing when it does not exist.
    public static func setMode(_ path: FilePath, _ mode: mode_t) throws(FileSystemError) {
        if chmod(path.string, mode) != 0 && errno != ENOENT { throw error("chmod", path) }
    }

    /// The size and the bytes actually allocated on disk, or nil if the file does not exist.
    public static func sizes(of path: FilePath) throws(FileSystemError) -> (size: Int64, allocated: Int64)? {
        var info = stat()
        if stat(path.string, &info) != 0 {
            if errno == ENOENT { return nil }
            throw error("stat", path)
        }
        return (Int64(info.st_size), Int64(info.st_blocks) * 512)
    }

    /// The names in a directory (no `.` or `..`); empty when it does not exist.
    public static func list(_ directory: FilePath) throws(FileSystemError) -> [String] {
        guard let dir = opendir(directory.string) else {
            // No directory (or a file in its place) holds no entries.
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw error("opendir", directory)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Copies `source` to `destination` durably, reading and writing only the allocated ranges so a sparse
    /// file stays sparse: through `destination.tmp`, fsync, rename, fsync of the directory.
    public static func copySparse(from source: FilePath, to destination: FilePath) throws(FileSystemError) {
        let input = try open(source, flags: O_RDONLY | O_CLOEXEC)
        defer { _ = close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw error("fstat", source) }
        let size = Int64(info.st_size)
        let temporary = FilePath(destination.string + ".tmp")
        let output = try open(temporary, flags: O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC)
        var closed = false
        defer { if !closed { _ = close(output) } }
        guard ftruncate(output, off_t(size)) == 0 else { throw error("ftruncate", temporary) }
        try copyAllocated(input, output, size: size, source: source)
        guard fsync(output) == 0 else { throw error("fsync", temporary) }
        closed = true
        _ = close(output)
        guard rename(temporary.string, destination.string) == 0 else { throw error("rename", temporary) }
        try syncDirectory(destination.removingLastComponent())
    }

    /// Writes the allocated ranges of `source` over an existing `destination` at the same offsets, durably
    /// (an image's root file system into a new volume's replica): the rest of `destination` is kept.
    public static func overlay(_ source: FilePath, onto destination: FilePath) throws(FileSystemError) {
        let input = try open(source, flags: O_RDONLY | O_CLOEXEC)
        defer { _ = close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw error("fstat", source) }
        let output = try open(destination, flags: O_WRONLY | O_CLOEXEC)
        defer { _ = close(output) }
        try copyAllocated(input, output, size: Int64(info.st_size), source: source)
        guard fsync(output) == 0 else { throw error("fsync", destination) }
    }

    /// Copies the data ranges of `input` (skipping holes, so sparse stays sparse) to the same offsets.
    private static func copyAllocated(_ input: Int32, _ output: Int32, size: Int64, source: FilePath)
        throws(FileSystemError)
    {
        var position: Int64 = 0
        while position < size {
            let dataStart = lseek(input, off_t(position), seekData)
            if dataStart < 0 {
                if errno == ENXIO { break }
                throw error("lseek", source)
            }
            let holeStart = lseek(input, dataStart, seekHole)
            guard holeStart >= 0 else { throw error("lseek", source) }
            try copyRange(input, output, from: Int64(dataStart), to: Int64(holeStart), source: source)
            position = Int64(holeStart)
        }
    }

    private static func copyRange(
        _ input: Int32, _ output: Int32, from start: Int64, to end: Int64, source: FilePath
    ) throws(FileSystemError) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset = start
        while offset < end {
            let wanted = Int(min(Int64(buffer.count), end - offset))
            let count = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress, wanted, off_t(offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error("pread", source)
            }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = buffer.withUnsafeBytes {
                    pwrite(output, $0.baseAddress! + written, count - written, off_t(offset) + off_t(written))
                }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw error("pwrite", source)
                }
                written += result
            }
            offset += Int64(count)
        }
    }

    /// Writes a new file with `bytes` and fsyncs it (the caller renames it into place).
    public static func writeFile(_ path: FilePath, bytes: [UInt8]) throws(FileSystemError) {
        let fd = try open(path, flags: O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC)
        defer { _ = close(fd) }
        try bytes.withUnsafeBytes { pointer in
            Result { () throws(FileSystemError) in try writeAll(fd, pointer, path: path) }
        }.get()
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// A whole file's bytes, read straight into one array (no intermediate copy); nil when it cannot be
    /// opened or read.
    public static func readAll(_ path: FilePath) -> [UInt8]? {
        guard let fd = try? open(path, flags: O_RDONLY | O_CLOEXEC) else { return nil }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            failed = !readFully(fd, into: UnsafeMutableRawBufferPointer(buffer))
            count = failed ? 0 : size
        }
        return failed ? nil : bytes
    }

    /// Reads a whole file of exactly `buffer.count` bytes into `buffer`; false when it cannot be opened or
    /// read, or has another size.
    public static func read(_ path: FilePath, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let fd = try? open(path, flags: O_RDONLY | O_CLOEXEC) else { return false }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) == buffer.count else { return false }
        return readFully(fd, into: buffer)
    }

    /// Fills `buffer` from the descriptor's position, retrying short reads; false on an error or an early end.
    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var count = 0
        while count < buffer.count {
            let result = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return false }
            count += result
        }
        return true
    }

    /// Opens a new file for appending (a blob being written).
    public static func create(_ path: FilePath) throws(FileSystemError) -> Int32 {
        try open(path, flags: O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC)
    }

    /// Writes every byte at the descriptor's position, retrying short writes.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: FilePath) throws(FileSystemError) {
        var written = 0
        while written < bytes.count {
            let result = write(fd, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                throw error("write", path)
            }
            written += result
        }
    }

    /// Makes a file's content durable.
    public static func sync(_ fd: Int32, path: FilePath) throws(FileSystemError) {
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    private static func open(_ path: FilePath, flags: Int32) throws(FileSystemError) -> Int32 {
        while true {
            let fd = Glibc.open(path.string, flags, fileMode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw error("open", path) }
        }
    }

    private static func error(_ operation: String, _ path: FilePath) -> FileSystemError {
        FileSystemError(operation, path: path.string, errno: Errno(rawValue: errno))
    }
}
