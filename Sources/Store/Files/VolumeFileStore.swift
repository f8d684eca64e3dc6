import SystemPackage

/// The health of one replica of a volume.
public enum ReplicaHealth: Sendable, Hashable, CustomStringConvertible {
    case ok
    /// A segment file is absent.
    case missing
    /// A segment is not the size the volume says (shorter after a lost write, longer after a crash mid-grow).
    case wrongSize(expected: Int64, actual: Int64)

    public var description: String {
        switch self {
        case .ok: "ok"
        case .missing: "missing"
        case .wrongSize(let expected, let actual): "size \(actual) bytes, expected \(expected)"
        }
    }
}

/// The replica files of volumes in the zones of a data directory: create, grow, remove, check, repair.
///
/// Every operation is idempotent, so an interrupted one is finished by running it again.
public struct VolumeFileStore: Sendable {
    public let dataDirectory: DataDirectory

    public init(dataDirectory: DataDirectory) {
        self.dataDirectory = dataDirectory
    }

    public func files(volumeId: String, sizeBytes: Int64, zone: String) -> VolumeReplicaFiles {
        VolumeReplicaFiles(volumeId: volumeId, sizeBytes: sizeBytes, zone: dataDirectory.zone(zone))
    }

    /// Makes every segment of every replica exist at its exact size, durably. Used to create and to grow.
    /// A storage-server directory lost since start-up is made again.
    public func ensure(_ files: VolumeReplicaFiles) throws(FileSystemError) {
        for replica in 0..<VolumeReplicaFiles.replicaCount {
            try DurableFiles.ensureDirectory(files.zone.ebs(replica: replica))
            for segment in files.segments(replica: replica) {
                try DurableFiles.ensureSparseFile(at: segment.path, size: segment.size)
            }
            try DurableFiles.syncDirectory(files.zone.ebs(replica: replica))
        }
    }

    /// Writes an image's root disk into the start of every replica (a new instance's root volume), durably.
    /// Idempotent: the same bytes land in the same places.
    public func fill(_ files: VolumeReplicaFiles, from image: FilePath) throws(FileSystemError) {
        for replica in 0..<VolumeReplicaFiles.replicaCount {
            guard let first = files.segments(replica: replica).first else { continue }
            try DurableFiles.overlay(image, onto: first.path)
        }
    }

    /// Grows every replica to the new size, durably; data already written is kept.
    public func grow(_ files: VolumeReplicaFiles) throws(FileSystemError) {
        for replica in 0..<VolumeReplicaFiles.replicaCount {
            for segment in files.segments(replica: replica) {
                if try DurableFiles.sizes(of: segment.path) == nil {
                    try DurableFiles.ensureSparseFile(at: segment.path, size: segment.size)
                } else {
                    try DurableFiles.grow(segment.path, to: segment.size)
                }
            }
            try DurableFiles.syncDirectory(files.zone.ebs(replica: replica))
        }
    }

    /// Removes every file of a volume whose size is known: its change map, its segments, any segment past
    /// them and the temporary copies of each, without listing the directories (which hold every volume of the zone).
    public func remove(_ files: VolumeReplicaFiles) throws(FileSystemError) {
        _ = try DurableFiles.removeIfPresent(files.changeMap)
        let expected = VolumeReplicaFiles.segmentSizes(forVolumeBytes: files.sizeBytes).count
        for replica in 0..<VolumeReplicaFiles.replicaCount {
            let directory = files.zone.ebs(replica: replica)
            var segment = 0
            var removedAny = false
            while true {
                let path = directory.appending(VolumeReplicaFiles.fileName(volumeId: files.volumeId, segment: segment))
                let removed = try DurableFiles.removeIfPresent(path)
                let removedCopy = try DurableFiles.removeIfPresent(FilePath(path.string + ".tmp"))
                removedAny = removedAny || removed || removedCopy
                if segment >= expected && !removed && !removedCopy { break }
                segment += 1
            }
            if removedAny { try DurableFiles.syncDirectory(directory) }
        }
    }

    /// The health of each replica.
    public func health(_ files: VolumeReplicaFiles) throws(FileSystemError) -> [ReplicaHealth] {
        try (0..<VolumeReplicaFiles.replicaCount).map { replica throws(FileSystemError) in
            for segment in files.segments(replica: replica) {
                guard let sizes = try DurableFiles.sizes(of: segment.path) else { return .missing }
                if sizes.size != segment.size { return .wrongSize(expected: segment.size, actual: sizes.size) }
            }
            return .ok
        }
    }

    /// Bytes allocated on disk by all replicas of a volume.
    public func allocatedBytes(_ files: VolumeReplicaFiles) throws(FileSystemError) -> Int64 {
        var total: Int64 = 0
        for replica in 0..<VolumeReplicaFiles.replicaCount {
            for segment in files.segments(replica: replica) {
                total += try DurableFiles.sizes(of: segment.path)?.allocated ?? 0
            }
        }
        return total
    }

    /// Rebuilds replica `target` from replica `source` with a sparse-aware durable copy.
    /// The replica's directory is made again first: a storage server whose whole directory was lost (a
    /// replaced disk) is rebuilt like one that lost a file.
    public func repair(_ files: VolumeReplicaFiles, replica target: Int, from source: Int) throws(FileSystemError) {
        try DurableFiles.ensureDirectory(files.zone.ebs(replica: target))
        let good = files.segments(replica: source)
        let bad = files.segments(replica: target)
        for (from, to) in zip(good, bad) {
            try DurableFiles.copySparse(from: from.path, to: to.path)
        }
    }

    /// The volume ids that own files in the zone (temporary files included), with the paths they own.
    public func filesOnDisk(zone: String) throws(FileSystemError) -> [String: [FilePath]] {
        var owners: [String: [FilePath]] = [:]
        let zoneDirectory = dataDirectory.zone(zone)
        for replica in 0..<VolumeReplicaFiles.replicaCount {
            let directory = zoneDirectory.ebs(replica: replica)
            for name in try DurableFiles.list(directory) {
                guard let owner = VolumeReplicaFiles.owner(ofFileNamed: name) else { continue }
                owners[owner.volumeId, default: []].append(directory.appending(name))
            }
        }
        return owners
    }
}
