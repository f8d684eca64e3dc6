import Crypto
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Content-addressed blobs, one file each, named by their SHA-256 under every zone of a region:
/// `zones/<az>/blobs/ab/cd/<sha256>`. A zone's copy is whole or absent: blobs are written to `tmp/`,
/// fsynced, and renamed into place (the directory fsynced too). An existing blob is never rewritten.
///
/// A write makes copies in a majority of the zones before it returns; the other zones catch up from them
/// (`copy(_:from:to:)`). Reads verify the hash, so a missing or corrupt copy is found and another zone's
/// served instead.
///
/// Blobs of at most `packLimit` bytes live instead as rows of each zone's `BlobPack` (one fsync for many),
/// under the same rules: a majority of zones before the write returns, hashes checked on every read.
public struct BlobStore: Sendable {
    /// The zones of the region, in their order.
    public let zones: [ZoneDirectory]
    /// Each zone's pack of small blobs, in the zones' order.
    public let packs: [BlobPackCommitter]

    /// Blobs up to this size go to the packs; a blob's size says where it is.
    public static let packLimit = 256 << 10

    public init(zones: [ZoneDirectory]) {
        self.zones = zones
        packs = zones.map { zone in BlobPackCommitter(path: zone.blobs.appending("pack.sqlite")) }
        // Opened now, so that a pack that cannot be opened is logged at start rather than at the first put.
        for pack in packs { _ = try? pack.pack }
    }

    /// Stores a small blob in every zone's pack and returns its digest once a majority hold it; the others
    /// finish in the background (the collector repairs a zone that failed). `pin` is called with the digest
    /// first.
    public func putSmall(_ bytes: [UInt8], pin: (BlobDigest) -> Void) async throws -> BlobDigest {
        let digest = BlobDigest(of: bytes)
        pin(digest)
        let quorum = self.quorum
        let (results, sink) = AsyncStream<Bool>.makeStream()
        for pack in packs {
            Task {
                sink.yield((try? await pack.put(digest, bytes)) != nil)
            }
        }
        var succeeded = 0
        var answered = 0
        for await success in results {
            answered += 1
            if success { succeeded += 1 }
            if succeeded >= quorum { break }
            if answered == packs.count { throw BlobError.lost(digest) }
        }
        sink.finish()
        return digest
    }

    /// A small blob's bytes from the first pack whose copy matches its hash, and the zones whose copy
    /// was missing or corrupt. It blocks: call it off the event loops.
    public func readSmallNow(_ digest: BlobDigest) throws -> (bytes: [UInt8], damaged: [Int]) {
        var damaged: [Int] = []
        for (index, pack) in packs.enumerated() {
            guard let bytes = try? pack.pack.getNow(digest), BlobDigest(of: bytes) == digest else {
                damaged.append(index)
                continue
            }
            return (bytes, damaged)
        }
        throw BlobError.lost(digest)
    }

    /// Copies made before a write returns: a majority of the zones.
    public var quorum: Int { zones.count / 2 + 1 }

    public func file(_ digest: BlobDigest, in zone: ZoneDirectory) -> FilePath {
        let hex = digest.hex
        return zone.blobs.appending(String(hex.prefix(2))).appending(String(hex.dropFirst(2).prefix(2)))
            .appending(hex)
    }

    /// Where blobs are written before they are named.
    public func temporaryDirectory(_ zone: ZoneDirectory) -> FilePath { zone.blobs.appending("tmp") }

    /// A fresh temporary file in the zone's `tmp/`, named after this process (`<process tag>-<uuid>`), so
    /// that a collector can tell a file a crashed process left from one a live write is still filling,
    /// however slowly.
    public func temporaryFile(_ zone: ZoneDirectory) -> FilePath {
        temporaryDirectory(zone).appending(Self.processTag + "-" + UUID().uuidString)
    }

    /// Names this process's temporary files.
    public static let processTag = String(UUID().uuidString.prefix(8))

    /// Whether a temporary file's name says this process made it.
    public static func isOwnTemporary(_ name: String) -> Bool { name.hasPrefix(processTag + "-") }

    /// Starts writing a blob into the first `quorum` zones (those whose directory can be written).
    public func writer() throws(FileSystemError) -> BlobWriter {
        try BlobWriter(store: self, zones: Array(zones.prefix(quorum)))
    }

    /// Whether the zone holds the blob (whole: only renamed, complete files are there).
    public func exists(_ digest: BlobDigest, in zone: ZoneDirectory) -> Bool {
        access(file(digest, in: zone).string, F_OK) == 0
    }

    /// The blob's bytes from the first zone whose copy is present and matches its hash.
    ///
    /// - Returns: the bytes and the zones whose copy was missing or corrupt (for the caller to repair).
    public func read(_ digest: BlobDigest) throws(BlobError) -> (bytes: [UInt8], damaged: [ZoneDirectory]) {
        try firstGoodCopy(of: digest) { path in
            DurableFiles.readAll(path).flatMap { bytes in BlobDigest(of: bytes) == digest ? bytes : nil }
        }
    }

    /// Reads a blob of `buffer.count` bytes into `buffer` from the first zone whose copy is whole and
    /// matches its hash: no copy on the way, so that a large object is served from the bytes read.
    ///
    /// - Returns: the zones whose copy was missing or corrupt (for the caller to repair).
    public func read(_ digest: BlobDigest, into buffer: UnsafeMutableRawBufferPointer) throws(BlobError)
        -> [ZoneDirectory]
    {
        try firstGoodCopy(of: digest) { path -> Void? in
            DurableFiles.read(path, into: buffer) && BlobDigest(of: UnsafeRawBufferPointer(buffer)) == digest
                ? () : nil
        }.damaged
    }

    /// What `load` makes of the first zone's copy it accepts (present, whole, its hash checked), and the
    /// zones before it whose copy it did not.
    private func firstGoodCopy<Copy>(of digest: BlobDigest, _ load: (FilePath) -> Copy?) throws(BlobError)
        -> (bytes: Copy, damaged: [ZoneDirectory])
    {
        var damaged: [ZoneDirectory] = []
        for zone in zones {
            if let copy = load(file(digest, in: zone)) { return (copy, damaged) }
            damaged.append(zone)
        }
        throw .lost(digest)
    }

    /// Makes `zone`'s copy from a good one (a missing zone catching up, or a corrupt copy replaced).
    public func repair(_ digest: BlobDigest, in zone: ZoneDirectory, from bytes: [UInt8]) throws(FileSystemError) {
        let target = file(digest, in: zone)
        try DurableFiles.makeDirectories(temporaryDirectory(zone))
        let temporary = temporaryFile(zone)
        try DurableFiles.writeFile(temporary, bytes: bytes)
        // A corrupt copy goes first: `place` never replaces an existing blob.
        _ = try DurableFiles.removeIfPresent(target)
        try place(temporary, at: target)
    }

    /// Renames a synced temporary file into place, making its directories durable; an existing blob wins
    /// (the same content) and the temporary goes.
    func place(_ temporary: FilePath, at target: FilePath) throws(FileSystemError) {
        let directory = target.removingLastComponent()
        try DurableFiles.makeDirectories(directory)
        if access(target.string, F_OK) == 0 {
            // Deduplicated: a blob is never rewritten. Its time is renewed, so a collector's grace period
            // counts from this write.
            _ = utimes(target.string, nil)
            _ = try DurableFiles.removeIfPresent(temporary)
            return
        }
        guard rename(temporary.string, target.string) == 0 else {
            throw FileSystemError("rename", path: target.string, errno: Errno(rawValue: errno))
        }
        try DurableFiles.syncDirectory(directory)
    }

    /// Removes a zone's copy (the collector, for a blob no row refers to) unless it was touched at or after
    /// `cutoff`: a write that found it present renews its time. Returns whether it was removed.
    public func remove(_ digest: BlobDigest, in zone: ZoneDirectory, ifUntouchedSince cutoff: Date)
        throws(FileSystemError) -> Bool
    {
        let path = file(digest, in: zone)
        var info = stat()
        guard stat(path.string, &info) == 0,
            Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)) < cutoff
        else { return false }
        return try DurableFiles.removeIfPresent(path)
    }

    /// Every blob a zone holds, with its modification time (for the collector's grace period).
    public func list(in zone: ZoneDirectory) -> [(digest: BlobDigest, modified: Date)] {
        var found: [(BlobDigest, Date)] = []
        let root = zone.blobs.string
        let manager = FileManager.default
        for first in (try? manager.contentsOfDirectory(atPath: root)) ?? [] where first.count == 2 {
            for second in (try? manager.contentsOfDirectory(atPath: root + "/" + first)) ?? [] {
                let directory = root + "/" + first + "/" + second
                for name in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] {
                    guard let digest = BlobDigest(hex: name) else { continue }
                    var info = stat()
                    guard stat(directory + "/" + name, &info) == 0 else { continue }
                    found.append((digest, Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))))
                }
            }
        }
        return found
    }
}

public enum BlobError: Error, Sendable, CustomStringConvertible {
    /// No zone holds a good copy.
    case lost(BlobDigest)
    case file(FileSystemError)

    public var description: String {
        switch self {
        case .lost(let digest): "no zone holds a good copy of blob \(digest.hex)"
        case .file(let error): "\(error)"
        }
    }
}
