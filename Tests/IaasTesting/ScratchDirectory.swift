import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under the system temporary directory, removed with everything in it on deinit: for unit
/// tests, which address files with `FilePath`.
public final class ScratchDirectory {
    public let path: FilePath

    public init() throws {
        var template = Array((NSTemporaryDirectory() + "iaas-unit-tests-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        guard let made else { throw Errno(rawValue: errno) }
        path = FilePath(String(cString: made))
    }

    public func appending(_ component: String) -> FilePath { path.appending(component) }

    deinit {
        try? FileManager.default.removeItem(atPath: path.string)
    }
}

/// Plain file access for arranging and checking what the code under test wrote.
public enum RawFile {
    public static func write(_ bytes: [UInt8], to path: FilePath, at offset: Int64, create: Bool = false) throws {
        let fd = try FileDescriptor.open(
            path, .writeOnly, options: create ? [.create] : [], permissions: create ? [.ownerReadWrite] : nil)
        try fd.closeAfter { _ = try fd.writeAll(toAbsoluteOffset: offset, bytes) }
    }

    public static func read(_ path: FilePath, at offset: Int64, count: Int) throws -> [UInt8] {
        let fd = try FileDescriptor.open(path, .readOnly)
        return try fd.closeAfter {
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let got = try bytes.withUnsafeMutableBytes { buffer in
                    try fd.read(
                        fromAbsoluteOffset: offset + Int64(done),
                        into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
                }
                if got == 0 { break }
                done += got
            }
            return Array(bytes[..<done])
        }
    }

    public static func truncate(_ path: FilePath, to size: Int64) throws {
        guard Glibc.truncate(path.string, off_t(size)) == 0 else { throw Errno(rawValue: errno) }
    }

    public static func exists(_ path: FilePath) -> Bool {
        FileManager.default.fileExists(atPath: path.string)
    }
}

/// Deterministic pseudo-random bytes (xorshift), so a copy that drops or shifts data is caught.
public func pattern(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBufferPointer { buffer in
        for index in buffer.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            buffer[index] = UInt8(truncatingIfNeeded: state)
        }
    }
    return bytes
}

public let GiB: Int64 = 1 << 30
public let MiB: Int64 = 1 << 20
public let TiB: Int64 = 1 << 40
