import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Many file blobs made durable together: each new blob goes to temporary files without an fsync of its
/// own; `commit` then fsyncs them all at once from many threads (`ParallelSync`: the journal commits once
/// for many), renames every blob into place and fsyncs the directories the same way. A snapshot of
/// thousands of blocks so costs a few dozen journal commits instead of one per file and directory (~20 ms
/// each on ext4 here).
///
/// A blob already present in a zone is not written again; its time is renewed, so the collector's grace
/// period counts from this batch. Until `commit` returns nothing is placed but blobs that were already
/// there; a crash leaves temporary files the collector removes. Used by one task at a time.
public final class BlobBatch: @unchecked Sendable {
    private let store: BlobStore
    private let zones: [ZoneDirectory]
    private var pending: [(temporary: FilePath, target: FilePath)] = []
    private var pendingTargets: Set<FilePath> = []
    private var finished = false
    /// Bytes written by this batch (new copies, every zone counted).
    public private(set) var bytesWritten = 0
    /// The digest of every `add`, in order (a digest added twice is here twice, as it was pinned twice):
    /// what the caller unpins once its rows are committed, or once it gives up.
    public private(set) var digests: [BlobDigest] = []

    /// A batch writing into the first `quorum` zones of the store, or into `zones` when given.
    public init(store: BlobStore, zones: [ZoneDirectory]? = nil) {
        self.store = store
        self.zones = zones ?? Array(store.zones.prefix(store.quorum))
    }

    deinit { abandon() }

    /// Adds a blob; returns its digest. `pin` is called with the digest before the store is looked at, so
    /// that a collector leaves a blob found present alone until the caller's rows refer to it.
    ///
    /// - Parameter known: the bytes' digest when the caller has it already.
    public func add(_ bytes: UnsafeRawBufferPointer, digest known: BlobDigest? = nil, pin: (BlobDigest) -> Void)
        throws(FileSystemError) -> BlobDigest
    {
        let digest = known ?? BlobDigest(of: bytes)
        pin(digest)
        digests.append(digest)
        for zone in zones {
            let target = store.file(digest, in: zone)
            if utimes(target.string, nil) == 0 { continue }
            guard pendingTargets.insert(target).inserted else { continue }
            try DurableFiles.makeDirectories(store.temporaryDirectory(zone))
            let temporary = store.temporaryFile(zone)
            let fd = try DurableFiles.create(temporary)
            pending.append((temporary, target))
            defer { close(fd) }
            try DurableFiles.writeAll(fd, bytes, path: temporary)
            bytesWritten += bytes.count
        }
        return digest
    }

    /// Makes every blob of the batch durable under its name.
    public func commit() throws(FileSystemError) {
        defer { abandon() }
        guard !pending.isEmpty else { return }
        let files = pending
        if let error = ParallelSync.forEach(files.count, { index in Self.sync(files[index].temporary) }) {
            throw error
        }
        var directories: Set<FilePath> = []
        for (temporary, target) in files {
            let directory = target.removingLastComponent()
            // Their parents are fsynced below with the rest.
            try DurableFiles.makeDirectories(directory, syncing: false)
            directories.insert(directory)
            directories.insert(directory.removingLastComponent())
            directories.insert(directory.removingLastComponent().removingLastComponent())
            // `rename` replaces: a copy another write placed meanwhile has the same bytes.
            guard rename(temporary.string, target.string) == 0 else {
                throw FileSystemError("rename", path: target.string, errno: Errno(rawValue: errno))
            }
        }
        pending = []
        pendingTargets = []
        let names = Array(directories)
        if let error = ParallelSync.forEach(names.count, { index in Self.sync(names[index]) }) { throw error }
    }

    /// fsync of a file or directory by path.
    private static func sync(_ path: FilePath) -> FileSystemError? {
        let fd = open(path.string, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return FileSystemError("open", path: path.string, errno: Errno(rawValue: errno)) }
        defer { close(fd) }
        return fsync(fd) == 0 ? nil : FileSystemError("fsync", path: path.string, errno: Errno(rawValue: errno))
    }

    /// Throws away the temporary files of blobs not yet committed.
    public func abandon() {
        guard !finished else { return }
        finished = true
        for (temporary, _) in pending { unlink(temporary.string) }
        pending = []
        pendingTargets = []
    }
}
