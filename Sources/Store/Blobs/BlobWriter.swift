import Crypto
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// One blob being written: its bytes go to a temporary file in each of the write's zones while they are
/// hashed; `finish` fsyncs them and renames each into place under the hash. Used by one task at a time.
/// A writer dropped without `finish` (or after an error) is `abandon`ed: its temporary files go.
public final class BlobWriter: @unchecked Sendable {
    private let store: BlobStore
    private let targets: [(zone: ZoneDirectory, path: FilePath, fd: Int32)]
    private var hasher = SHA256()
    public private(set) var count = 0
    private var done = false

    init(store: BlobStore, zones: [ZoneDirectory]) throws(FileSystemError) {
        self.store = store
        var opened: [(ZoneDirectory, FilePath, Int32)] = []
        do {
            for zone in zones {
                try DurableFiles.makeDirectories(store.temporaryDirectory(zone))
                let path = store.temporaryFile(zone)
                opened.append((zone, path, try DurableFiles.create(path)))
            }
        } catch {
            for (_, path, fd) in opened {
                close(fd)
                unlink(path.string)
            }
            throw error
        }
        targets = opened
    }

    deinit {
        abandon()
    }

    /// Appends bytes to every copy.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        hasher.update(bufferPointer: bytes)
        for target in targets { try DurableFiles.writeAll(target.fd, bytes, path: target.path) }
        count += bytes.count
    }

    /// Makes every copy durable and names it by its hash. On an error nothing of the blob is left but
    /// copies already whole under their name (which a collector removes if no row comes to refer to them).
    ///
    /// - Parameters:
    ///   - pin: called with the digest before any copy is placed, so that a collector leaves a blob this
    ///     write finds already present alone.
    ///   - unpin: called with it when placing fails after the pin, as the caller never learns the digest.
    public func finish(pin: (BlobDigest) -> Void = { _ in }, unpin: (BlobDigest) -> Void = { _ in })
        throws(FileSystemError) -> BlobDigest
    {
        defer { abandon() }
        let digest = BlobDigest(hasher.finalize())
        for target in targets { try DurableFiles.sync(target.fd, path: target.path) }
        closeFiles()
        pin(digest)
        do {
            for target in targets { try store.place(target.path, at: store.file(digest, in: target.zone)) }
        } catch {
            unpin(digest)
            throw error
        }
        return digest
    }

    /// Throws away what is left of the blob's temporary files (all of it, before `finish`).
    public func abandon() {
        closeFiles()
        guard !done else { return }
        done = true
        for target in targets { unlink(target.path.string) }
    }

    private var open = true

    private func closeFiles() {
        guard open else { return }
        open = false
        for target in targets { close(target.fd) }
    }
}
