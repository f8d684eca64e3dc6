import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a data directory, held for the life of the daemon, so two daemons never share
/// one store. The kernel releases it when the process dies, however it dies.
public final class DataDirectoryLock: Sendable {
    /// Another process holds the lock.
    public struct Held: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var holderPID: Int?

        public var description: String {
            let holder = holderPID.map { " by iaasd (pid \($0))" } ?? ""
            return "The data directory \(path) is in use\(holder). Stop that daemon or choose another --data-dir."
        }
    }

    private let fd: Int32

    /// Takes the lock, writing this process's pid into the lock file.
    ///
    /// - Throws: `Held` when another process holds it; `FileSystemError` when the file cannot be opened.
    public init(directory: FilePath) throws {
        let path = directory.appending("iaasd.lock")
        let fd = open(path.string, O_CREAT | O_RDWR | O_CLOEXEC, DurableFiles.fileMode)
        guard fd >= 0 else { throw FileSystemError("open", path: path.string, errno: Errno(rawValue: errno)) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw Held(path: directory.string, holderPID: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
    }

    private static func readPID(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: "\n "))
    }

    deinit {
        close(fd)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
