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

extension BlobStore {
    /// Reads every zone's copy of a file blob and hashes it; a missing or corrupt copy is written again from
    /// a good one. Holds at most two copies in memory (the good one and the one being read).
    public func scrubFile(_ digest: BlobDigest) -> CopyCheck {
        var check = CopyCheck()
        var good: [UInt8]?
        var bad: [ZoneDirectory] = []
        for zone in zones {
            check.checked += 1
            guard let bytes = DurableFiles.readAll(file(digest, in: zone)) else {
                check.missing += 1
                bad.append(zone)
                continue
            }
            check.bytesRead += bytes.count
            guard BlobDigest(of: bytes) == digest else {
                check.corrupt += 1
                bad.append(zone)
                continue
            }
            if good == nil { good = bytes }
        }
        guard let good else {
            check.lost = true
            return check
        }
        for zone in bad where (try? repair(digest, in: zone, from: good)) != nil { check.repaired += 1 }
        return check
    }

    /// The same for a small blob, in every zone's pack.
    public func scrubSmall(_ digest: BlobDigest) async -> CopyCheck {
        var check = CopyCheck()
        var good: [UInt8]?
        var bad: [BlobPackCommitter] = []
        for pack in packs {
            check.checked += 1
            guard let bytes = try? await pack.pack.get(digest) else {
                check.missing += 1
                bad.append(pack)
                continue
            }
            check.bytesRead += bytes.count
            guard BlobDigest(of: bytes) == digest else {
                check.corrupt += 1
                bad.append(pack)
                continue
            }
            if good == nil { good = bytes }
        }
        guard let good else {
            check.lost = true
            return check
        }
        for pack in bad where (try? await pack.pack.replace(digest, good)) != nil { check.repaired += 1 }
        return check
    }
}
