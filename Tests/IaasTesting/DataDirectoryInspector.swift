import Engine
import Foundation
import GRDB
import Store
import SystemPackage

/// Reads a data directory from outside the daemon, to check the invariants the crash protocol promises.
public struct DataDirectoryInspector {
    public let root: String

    public init(root: String) {
        self.root = FilePath(root).lexicallyNormalized().string
    }

    public struct Snapshot: Sendable {
        public var volumes: [VolumeRecord]
        public var modifying: [VolumeModificationRecord]
        public var tags: [TagRecord]
        /// Every file under `zones/*/ebs-*`, relative to the data directory.
        public var volumeFiles: [String]
    }

    /// The rows and files as they are now (safe while the daemon runs: SQLite WAL readers don't block it).
    public func snapshot() throws -> Snapshot {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: root + "/iaas.sqlite", configuration: configuration)
        defer { try? queue.close() }
        let (volumes, modifying, tags) = try queue.read { db in
            (
                try VolumeRecord.order(VolumeRecord.Columns.id).fetchAll(db),
                try VolumeModificationRecord.filter(
                    VolumeModificationRecord.Columns.state == ModificationState.modifying
                ).fetchAll(db),
                try TagRecord.fetchAll(db)
            )
        }
        return Snapshot(volumes: volumes, modifying: modifying, tags: tags, volumeFiles: try volumeFiles())
    }

    public func volumeFiles() throws -> [String] {
        let zones = root + "/zones"
        var files: [String] = []
        for zone in (try? FileManager.default.contentsOfDirectory(atPath: zones)) ?? [] {
            for replica in ["ebs-0", "ebs-1"] {
                let directory = "\(zones)/\(zone)/\(replica)"
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                    files.append("zones/\(zone)/\(replica)/\(name)")
                }
            }
        }
        return files.sorted()
    }

    /// Everything wrong with the data directory: rows left in a transitional state, volumes whose replicas
    /// are not whole, files no row owns. Empty when the invariants hold.
    public func violations() throws -> [String] {
        let snapshot = try snapshot()
        var problems: [String] = []
        let store = VolumeFileStore(dataDirectory: DataDirectory(root: FilePath(root)))
        var expectedFiles = Set<String>()
        for volume in snapshot.volumes {
            if volume.state.isTransitional { problems.append("\(volume.id) left in \(volume.state.rawValue)") }
            let files = store.files(volumeId: volume.id, sizeBytes: volume.sizeBytes, zone: volume.zone)
            let health = try store.health(files)
            if health != [.ok, .ok] { problems.append("\(volume.id) replicas \(health)") }
            // Its change map may be there (a volume made before maps, or whose replica 0 was rebuilt, has none).
            expectedFiles.insert(String(files.changeMap.string.dropFirst(root.count + 1)))
            for replica in 0..<VolumeReplicaFiles.replicaCount {
                for segment in files.segments(replica: replica) {
                    expectedFiles.insert(String(segment.path.string.dropFirst(root.count + 1)))
                }
            }
        }
        for modification in snapshot.modifying {
            problems.append("modification of \(modification.volumeId) left in modifying")
        }
        for file in snapshot.volumeFiles where !expectedFiles.contains(file) {
            problems.append("orphan file \(file)")
        }
        return problems
    }

    /// The blob files of a zone (`zones/<az>/blobs/ab/cd/<sha256>`), by name.
    public func blobs(zone: String) -> [String] {
        let root = self.root + "/zones/\(zone)/blobs"
        let manager = FileManager.default
        var names: [String] = []
        for first in (try? manager.contentsOfDirectory(atPath: root)) ?? [] where first.count == 2 {
            for second in (try? manager.contentsOfDirectory(atPath: root + "/" + first)) ?? [] {
                names += (try? manager.contentsOfDirectory(atPath: root + "/" + first + "/" + second)) ?? []
            }
        }
        return names.sorted()
    }

    /// Blobs being written in a zone (`zones/<az>/blobs/tmp/`).
    public func blobTemporaries(zone: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root + "/zones/\(zone)/blobs/tmp")) ?? []
    }

    /// The small blobs a zone's pack holds (`zones/<az>/blobs/pack.sqlite`).
    public func packedBlobs(zone: String) -> [String] {
        let path = root + "/zones/\(zone)/blobs/pack.sqlite"
        guard FileManager.default.fileExists(atPath: path), let queue = try? DatabaseQueue(path: path) else {
            return []
        }
        return (try? queue.read { db in try String.fetchAll(db, sql: "SELECT digest FROM blob ORDER BY digest") }) ?? []
    }

    /// A zone's blob file by digest (`zones/<az>/blobs/ab/cd/<sha256>`).
    public func blobPath(zone: String, digest: String) -> String {
        root + "/zones/\(zone)/blobs/\(digest.prefix(2))/\(digest.dropFirst(2).prefix(2))/\(digest)"
    }

    /// Flips one byte in the middle of a zone's copy of a file blob (bit rot), in place.
    public func flipByte(zone: String, digest: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: blobPath(zone: zone, digest: digest)))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        let byte = try handle.read(upToCount: 1) ?? Data([0])
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data([byte[byte.startIndex] ^ 0xFF]))
    }

    /// Flips one byte of a small blob's row in a zone's pack.
    public func flipPackedByte(zone: String, digest: String) throws {
        let queue = try DatabaseQueue(path: root + "/zones/\(zone)/blobs/pack.sqlite")
        try queue.write { db in
            guard var bytes = try Data.fetchOne(db, sql: "SELECT bytes FROM blob WHERE digest = ?", arguments: [digest])
            else { return }
            bytes[bytes.startIndex] ^= 0xFF
            try db.execute(sql: "UPDATE blob SET bytes = ? WHERE digest = ?", arguments: [bytes, digest])
        }
    }

    /// The bytes of a small blob's row in a zone's pack.
    public func packedBytes(zone: String, digest: String) -> [UInt8]? {
        guard let queue = try? DatabaseQueue(path: root + "/zones/\(zone)/blobs/pack.sqlite") else { return nil }
        return
            (try? queue.read { db in
                try Data.fetchOne(db, sql: "SELECT bytes FROM blob WHERE digest = ?", arguments: [digest])
            }).flatMap { $0 }.map { [UInt8]($0) }
    }
}

extension DataDirectoryInspector {
    /// Segment 0 of a replica of a volume (what a guest's writes reach through QEMU's quorum driver).
    public func replica(_ volumeId: String, _ replica: Int, zone: String = "us-east-1a") -> String {
        root + "/zones/\(zone)/ebs-\(replica)/\(volumeId).0.raw"
    }

    /// Writes bytes into both replicas of a volume at an offset and syncs them, through the classic
    /// engine's own disk (`ReplicatedFiles`): marked in the volume's change map, as its guests' writes are.
    public func writeVolume(_ volumeId: String, at offset: Int64, _ bytes: [UInt8], zone: String = "us-east-1a")
        throws
    {
        let replicas = (0..<2).map { replica(volumeId, $0, zone: zone) }
        let disk = try ReplicatedFiles(replicas, changeMap: VolumeChangeMap.path(forFirstSegment: replicas[0]))
        try disk.write(bytes, at: UInt64(offset))
        try disk.flush()
    }

    /// Bytes of replica `index` of a volume.
    public func readVolume(
        _ volumeId: String, at offset: Int64, count: Int, replica index: Int = 0,
        zone: String = "us-east-1a"
    ) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: replica(volumeId, index, zone: zone)))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return [UInt8](try handle.read(upToCount: count) ?? Data())
    }

    /// Bytes the file system allocated for replica `index` of a volume.
    public func allocatedBytes(_ volumeId: String, replica index: Int = 0, zone: String = "us-east-1a") -> Int64 {
        (try? DurableFiles.sizes(of: FilePath(replica(volumeId, index, zone: zone))))??.allocated ?? -1
    }
}
