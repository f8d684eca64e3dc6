import SystemPackage

/// Where and how the replicas of a volume live on disk.
///
/// A replica is a run of sparse raw segment files, `<vol-id>.<n>.raw`, each `segmentBytes` long but the
/// last, which together hold the volume's bytes in order. Almost every volume is one segment; the split
/// exists because ext4 caps a file at 16 TiB − 4 KiB, one block short of the largest EBS volume.
public struct VolumeReplicaFiles: Sendable {
    public static let replicaCount = 2
    public static let segmentBytes: Int64 = 1 << 43
    static let suffix = ".raw"

    public let volumeId: String
    public let sizeBytes: Int64
    public let zone: ZoneDirectory

    public init(volumeId: String, sizeBytes: Int64, zone: ZoneDirectory) {
        self.volumeId = volumeId
        self.sizeBytes = sizeBytes
        self.zone = zone
    }

    /// The byte length of each segment, in order.
    public static func segmentSizes(forVolumeBytes size: Int64) -> [Int64] {
        guard size > 0 else { return [] }
        let count = Int((size + segmentBytes - 1) / segmentBytes)
        return (0..<count).map { index in min(segmentBytes, size - Int64(index) * segmentBytes) }
    }

    /// The segment files of one replica, in order, with their expected sizes.
    public func segments(replica: Int) -> [(path: FilePath, size: Int64)] {
        let directory = zone.ebs(replica: replica)
        return Self.segmentSizes(forVolumeBytes: sizeBytes).enumerated().map { index, size in
            (directory.appending(Self.fileName(volumeId: volumeId, segment: index)), size)
        }
    }

    /// The volume's change map (`<vol-id>.changes` beside replica 0): which blocks were written since its
    /// last snapshot (Engine's `VolumeChangeMap` reads and writes it).
    public var changeMap: FilePath { zone.ebs(replica: 0).appending("\(volumeId).changes") }

    /// `<vol-id>.<n>.raw`.
    public static func fileName(volumeId: String, segment: Int) -> String {
        "\(volumeId).\(segment)\(suffix)"
    }

    /// The volume a file in an `ebs-N` directory belongs to, or nil if the name is not a segment's.
    /// Temporary files (`….raw.tmp`) are reported with `isTemporary`.
    public static func owner(ofFileNamed name: String) -> (volumeId: String, isTemporary: Bool)? {
        guard name.hasPrefix("vol-"), let dot = name.firstIndex(of: ".") else { return nil }
        let volumeId = String(name[..<dot])
        return (volumeId, name.hasSuffix(".tmp"))
    }
}
