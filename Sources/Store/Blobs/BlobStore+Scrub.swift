/// What a scrub found of one blob's copies, zone by zone.
public struct CopyCheck: Sendable, Equatable {
    public var checked = 0
    public var missing = 0
    public var corrupt = 0
    public var repaired = 0
    public var bytesRead = 0
    /// No zone holds a good copy.
    public var lost = false

    public init() {}
}

/// Copies of one blob as they are read, zone by zone: counts them, keeps the first good one, and notes
/// which zones need theirs rewritten.
struct CopyTally {
    let digest: BlobDigest
    var check = CopyCheck()
    var good: [UInt8]?
    var bad: [Int] = []

    /// A zone's copy: its bytes, or nil when it has none.
    mutating func record(_ bytes: [UInt8]?, zone index: Int) {
        check.checked += 1
        guard let bytes else {
            check.missing += 1
            bad.append(index)
            return
        }
        check.bytesRead += bytes.count
        guard BlobDigest(of: bytes) == digest else {
            check.corrupt += 1
            bad.append(index)
            return
        }
        if good == nil { good = bytes }
    }
}

extension BlobStore {
    /// Reads every zone's copy of a file blob and hashes it; a missing or corrupt copy is written again from
    /// a good one. Holds at most two copies in memory (the good one and the one being read).
    public func scrubFile(_ digest: BlobDigest) -> CopyCheck {
        var tally = CopyTally(digest: digest)
        for (index, zone) in zones.enumerated() {
            tally.record(DurableFiles.readAll(file(digest, in: zone)), zone: index)
        }
        guard let good = tally.good else {
            tally.check.lost = true
            return tally.check
        }
        for index in tally.bad where (try? repair(digest, in: zones[index], from: good)) != nil {
            tally.check.repaired += 1
        }
        return tally.check
    }

    /// The same for a small blob, in every zone's pack.
    public func scrubSmall(_ digest: BlobDigest) async -> CopyCheck {
        var tally = CopyTally(digest: digest)
        for (index, pack) in packs.enumerated() { tally.record(try? await pack.pack.get(digest), zone: index) }
        guard let good = tally.good else {
            tally.check.lost = true
            return tally.check
        }
        for index in tally.bad where (try? await packs[index].pack.replace(digest, good)) != nil {
            tally.check.repaired += 1
        }
        return tally.check
    }
}
