import Foundation
import Synchronization
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
/// there; a crash leaves temporary files the collector removes.
///
/// `add` may be called from many threads at once (a snapshot's readers); `commit` and `abandon` once
/// the adds are done.
public final class BlobBatch: Sendable {
    private let store: BlobStore
    private let zones: [ZoneDirectory]
    private struct State {
        var pending: [(temporary: FilePath, target: FilePath)] = []
        var pendingTargets: Set<FilePath> = []
        var finished = false
        var bytesWritten = 0
        var digests: [BlobDigest] = []
    }
    private let state = Mutex(State())

    /// Bytes written by this batch (new copies, every zone counted).
    public var bytesWritten: Int { state.withLock { $0.bytesWritten } }
    /// The digest of every `add` (a digest added twice is here twice, as it was pinned twice): what the
    /// caller unpins once its rows are committed, or once it gives up.
    public var digests: [BlobDigest] { state.withLock { $0.digests } }

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
        state.withLock { $0.digests.append(digest) }
        for zone in zones {
            let target = store.file(digest, in: zone)
            if utimes(target.string, nil) == 0 { continue }
            guard state.withLock({ $0.pendingTargets.insert(target).inserted }) else { continue }
            try DurableFiles.makeDirectories(store.temporaryDirectory(zone))
            let temporary = store.temporaryFile(zone)
            let fd = try DurableFiles.create(temporary)
            state.withLock {
                $0.pending.append((temporary, target))
                $0.bytesWritten += bytes.count
            }
            defer { close(fd) }
            try DurableFiles.writeAll(fd, bytes, path: temporary)
            // Starts the disk on it now (DONTNEED starts writeback without waiting for it), so that
            // `commit`'s fsyncs find little left to write; a snapshot's blobs are not read again soon.
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        }
        return digest
    }

    /// Makes every blob of the batch durable under its name.
    public func commit() throws(FileSystemError) {
        defer { abandon() }
        let files = state.withLock { $0.pending }
        guard !files.isEmpty else { return }
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
        state.withLock {
            $0.pending = []
            $0.pendingTargets = []
        }
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
        let left = state.withLock { state -> [(temporary: FilePath, target: FilePath)] in
            guard !state.finished else { return [] }
            state.finished = true
            defer {
                state.pending = []
                state.pendingTargets = []
            }
            return state.pending
        }
        for (temporary, _) in left { unlink(temporary.string) }
    }
}
