import API
import Foundation
import Store
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The files of kernel and ramdisk images, under the data directory's `images/`: one directory per image,
/// holding `kernel` or `ramdisk`. A file is copied whole to a temporary name, fsynced and renamed into its
/// image's directory before the image's row commits; what a crash leaves unnamed by any row is swept.
struct ImageFiles: Sendable {
    let directory: FilePath

    /// The path an image's file has once it is in place.
    func path(of imageId: String, kind: String) -> FilePath {
        directory.appending(imageId).appending(kind)
    }

    /// Copies `source` into a temporary file of `images/`, durably; returns its path.
    func receive(_ source: PayloadSource) async throws -> FilePath {
        try DurableFiles.makeDirectories(directory)
        let temporary = directory.appending(".incoming-\(UUID().uuidString)")
        let fd = try DurableFiles.create(temporary)
        do {
            var offset = 0
            while offset < source.length {
                let chunk = try await source.read(at: offset, maxCount: 1 << 20)
                guard chunk.count > 0 else { break }
                try await BlockingIO.run { () throws(FileSystemError) in
                    try chunk.withUnsafeBytes { bytes in
                        Result { () throws(FileSystemError) in try DurableFiles.writeAll(fd, bytes, path: temporary) }
                    }.get()
                }
                offset += chunk.count
            }
            try DurableFiles.sync(fd, path: temporary)
            close(fd)
        } catch {
            close(fd)
            _ = try? DurableFiles.removeIfPresent(temporary)
            throw error
        }
        return temporary
    }

    /// Moves a received file to `images/<imageId>/<kind>` and makes the move durable.
    func install(_ temporary: FilePath, imageId: String, kind: String) throws(FileSystemError) -> FilePath {
        let target = path(of: imageId, kind: kind)
        try DurableFiles.makeDirectories(directory.appending(imageId))
        guard rename(temporary.string, target.string) == 0 else {
            throw FileSystemError("rename", path: temporary.string, errno: Errno(rawValue: errno))
        }
        try DurableFiles.syncDirectory(target.removingLastComponent())
        try DurableFiles.syncDirectory(directory)
        return target
    }

    /// Removes what no longer serves: temporary files, and image directories none of `inUse` lies in.
    /// Returns the names removed.
    @discardableResult
    func sweep(keeping inUse: Set<String>) -> [String] {
        guard let names = try? DurableFiles.list(directory) else { return [] }
        var removed: [String] = []
        for name in names {
            let entry = directory.appending(name)
            guard !inUse.contains(where: { $0.hasPrefix(entry.string + "/") }) else { continue }
            do {
                try FileManager.default.removeItem(atPath: entry.string)
                removed.append(name)
            } catch {
                continue
            }
        }
        if !removed.isEmpty { try? DurableFiles.syncDirectory(directory) }
        return removed
    }
}
