import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Many file blobs made durable together: each new blob goes to temporary files without an fsync of its
/// own; `commit` then syncs each zone's file system once (`syncfs`), renames every blob into place and
/// syncs again for the names. A snapshot of thousands of blocks costs a few syncs instead of an fsync per
/// file and directory, which is what makes a 1 GiB snapshot take seconds on a disk whose fsync takes 20 ms.
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
        try syncZones()
        for (temporary, target) in pending {
            let directory = target.removingLastComponent()
            // The file-system sync below makes new directories durable too.
            try DurableFiles.makeDirectories(directory, syncing: false)
            // `rename` replaces: a copy another write placed meanwhile has the same bytes.
            guard rename(temporary.string, target.string) == 0 else {
                throw FileSystemError("rename", path: target.string, errno: Errno(rawValue: errno))
            }
        }
        pending = []
        pendingTargets = []
        try syncZones()
    }

    /// Throws away the temporary files of blobs not yet committed.
    public func abandon() {
        guard !finished else { return }
        finished = true
        for (temporary, _) in pending { unlink(temporary.string) }
        pending = []
        pendingTargets = []
    }

    /// `syncfs(2)`, which Glibc's module exports only under _GNU_SOURCE: looked up once; where it is
    /// missing, `sync(2)` does the same for every file system.
    private static let syncFileSystem: @Sendable (Int32) -> Int32 = {
        typealias SyncFS = @convention(c) (Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else {
            return { _ in
                sync()
                return 0
            }
        }
        let function = unsafeBitCast(symbol, to: SyncFS.self)
        return { fd in function(fd) }
    }()

    private func syncZones() throws(FileSystemError) {
        for zone in zones {
            let directory = zone.blobs.string
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw FileSystemError("open", path: directory, errno: Errno(rawValue: errno)) }
            defer { close(fd) }
            guard Self.syncFileSystem(fd) == 0 else {
                throw FileSystemError("syncfs", path: directory, errno: Errno(rawValue: errno))
            }
        }
    }
}
