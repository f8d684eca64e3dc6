import API
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Local files as payloads: a file read by offset as it is sent, and a payload written to a file as it
/// arrives (through a temporary name, so a failed download leaves no partial file).
enum LocalFile {
    /// A file's bytes, read as the daemon takes them; `progress` is told how many bytes went.
    static func source(_ path: String, progress: Progress?) throws -> (PayloadSource, close: () -> Void) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ValidationFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ValidationFailure("\(path) is not a regular file")
        }
        let source = PayloadSource(length: Int(info.st_size)) { offset, maxCount in
            let chunk = try PayloadChunk(capacity: maxCount) { buffer in
                let count = pread(fd, buffer.baseAddress, maxCount, off_t(offset))
                guard count > 0 else { throw ValidationFailure("\(path) changed while it was sent") }
                return count
            }
            progress?.advance(by: chunk.count)
            return chunk
        }
        return (source, { close(fd) })
    }

    /// Writes a payload to `path` (`-`: standard output).
    static func write(_ payload: ReceivedPayload, to path: String, progress: Progress?) async throws {
        if path == "-" {
            for try await chunk in payload { chunk.withUnsafeBytes { FileHandle.standardOutput.write(Data($0)) } }
            return
        }
        let temporary = path + ".iaas-download"
        let fd = open(temporary, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ValidationFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
        var closed = false
        defer {
            if !closed {
                close(fd)
                unlink(temporary)
            }
        }
        for try await chunk in payload {
            try chunk.withUnsafeBytes { bytes in
                var written = 0
                while written < bytes.count {
                    let result = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                    guard result > 0 else {
                        throw ValidationFailure("cannot write \(path): \(String(cString: strerror(errno)))")
                    }
                    written += result
                }
            }
            progress?.advance(by: chunk.count)
        }
        closed = true
        close(fd)
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ValidationFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    struct ValidationFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A transfer's progress on a terminal (stderr), as the AWS CLI shows it; silent when stderr is not one.
final class Progress: @unchecked Sendable {
    private let total: Int
    private let lock = NSLock()
    private var done = 0
    private var shownPercent = -1

    init?(total: Int) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.total = max(total, 1)
    }

    func advance(by count: Int) {
        lock.lock()
        defer { lock.unlock() }
        done += count
        let percent = done * 100 / total
        guard percent != shownPercent else { return }
        shownPercent = percent
        let mib = Double(done) / 1_048_576
        FileHandle.standardError.write(
            Data(
                String(format: "\rCompleted %.1f MiB of %.1f MiB (%d%%)", mib, Double(total) / 1_048_576, percent).utf8)
        )
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
