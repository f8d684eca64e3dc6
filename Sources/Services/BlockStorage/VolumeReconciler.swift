import API
import GRDB
import Logging
import Store

/// Finishes, at start-up, every volume action a crash interrupted, and puts away files no row owns.
///
/// - `creating` rows are driven forward: both replicas are made whole (and filled again from the snapshot
///   a volume is restored from), then the row becomes `available`
///   (a client retrying with its `ClientToken` gets this volume).
/// - `deleting` rows are driven forward: files removed, row forgotten.
/// - `modifying` modifications are driven forward: replicas grown, attributes committed.
/// - temporary copies (`.tmp`) of a known volume's replicas, left by an interrupted repair, are removed: the
///   replica they were copied from is still in place.
/// - files in a zone's `ebs-N/` whose volume has no row are moved to the zone's `lost+found/`, never deleted:
///   a database restored from an older backup must not cost the data of the volumes it does not know.
public struct VolumeReconciler: Sendable {
    /// What one reconciliation did.
    public struct Report: Sendable, Equatable {
        public var createsFinished = 0
        public var deletesFinished = 0
        public var modificationsFinished = 0
        /// Interrupted actions that could not be finished: their volumes are in `error`, their modifications
        /// `failed`.
        public var failed = 0
        public var temporaryFilesRemoved = 0
        /// Files of unknown volumes moved to `lost+found/` by this run.
        public var orphanFilesKept = 0
        /// Files in every `lost+found/` after this run.
        public var lostAndFoundFiles = 0
    }

    let volumes: VolumeService
    private let logger = Logger(label: "iaas.ebs.reconciler")

    public init(volumes: VolumeService) {
        self.volumes = volumes
    }

    public func run() async throws -> Report {
        var report = Report()
        let database = volumes.database
        let (transitional, roots) = try await database.read { db in
            (
                try VolumeRecord.all().transitional().fetchAll(db),
                Set(try String.fetchAll(db, sql: "SELECT volumeId FROM volumeAttachment WHERE state = 'attaching'"))
            )
        }
        // A root volume an instance's launch is making is the launch's to finish (it fills it from the image).
        for record in transitional where !(record.state == .creating && roots.contains(record.id)) {
            // One volume whose files cannot be fixed must not keep the cloud from starting: it goes to
            // `error` (markError) and the rest are reconciled.
            do {
                switch record.state {
                case .creating:
                    if try await finishCreate(record) { report.createsFinished += 1 }
                case .deleting:
                    try await finishDelete(record)
                    report.deletesFinished += 1
                default:
                    break
                }
            } catch {
                await volumes.markError(record.id, after: "finish its interrupted \(record.state.rawValue)")
                report.failed += 1
            }
        }
        let modifications = try await database.read { db in
            try VolumeModificationRecord.filter(VolumeModificationRecord.Columns.state == ModificationState.modifying)
                .fetchAll(db)
        }
        for modification in modifications {
            do {
                _ = try await volumes.apply(modification)
            } catch {
                // `apply` has recorded the modification as failed; the volume keeps its attributes.
                report.failed += 1
                continue
            }
            logger.notice(
                "finished interrupted modification",
                metadata: [
                    "iaas.volume.id": "\(modification.volumeId)",
                    "iaas.volume.size-gib": "\(modification.targetSizeGiB)",
                ])
            report.modificationsFinished += 1
        }
        try await putAwayOrphans(&report)
        return report
    }

    /// - Returns: false when the create cannot be finished because its zone is no longer configured.
    private func finishCreate(_ record: VolumeRecord) async throws -> Bool {
        guard volumes.catalog.zone(named: record.zone) != nil else {
            logger.error(
                "volume's zone is no longer configured",
                metadata: ["iaas.volume.id": "\(record.id)", "iaas.zone": "\(record.zone)"])
            return false
        }
        if record.snapshotId != nil {
            try await volumes.restore(record)
        } else {
            let files = volumes.replicaFiles(record)
            try await volumes.fileWork(record.id, "create") { [store = volumes.files] () throws(FileSystemError) in
                try store.makeNew(files)
            }
        }
        var created = record
        created.state = .available
        try await volumes.database.write { [created] db in try created.update(db, columns: [VolumeRecord.Columns.state])
        }
        logger.notice("finished interrupted create", metadata: ["iaas.volume.id": "\(record.id)"])
        return true
    }

    private func finishDelete(_ record: VolumeRecord) async throws {
        try await volumes.removeFiles(of: record)
        try await volumes.database.writeOrThrow { db throws(CloudError) in try VolumeService.forget(record.id, in: db) }
        volumes.count.adjust(by: -1)
        logger.notice("finished interrupted delete", metadata: ["iaas.volume.id": "\(record.id)"])
    }

    private func putAwayOrphans(_ report: inout Report) async throws {
        let known = try await volumes.database.read { db in
            try String.fetchSet(db, VolumeRecord.select(VolumeRecord.Columns.id))
        }
        let store = volumes.files
        let lostAndFound = LostAndFound(dataDirectory: store.dataDirectory)
        for (_, zone) in volumes.catalog.zones {
            let zoneName = zone.zoneName
            let owners = try await BlockingIO.run { () throws(FileSystemError) in try store.filesOnDisk(zone: zoneName)
            }
            for (volumeId, paths) in owners.sorted(by: { $0.key < $1.key }) {
                if known.contains(volumeId) {
                    let temporary = paths.filter { $0.string.hasSuffix(".tmp") }
                    guard !temporary.isEmpty else { continue }
                    try await BlockingIO.run { () throws(FileSystemError) in
                        for path in temporary { try DurableFiles.removeIfPresent(path) }
                        for directory in Set(temporary.map { $0.removingLastComponent() }) {
                            try DurableFiles.syncDirectory(directory)
                        }
                    }
                    logger.notice(
                        "removed temporary copies of an interrupted repair",
                        metadata: ["iaas.volume.id": "\(volumeId)", "iaas.file.count": "\(temporary.count)"])
                    report.temporaryFilesRemoved += temporary.count
                } else {
                    let zoneDirectory = store.dataDirectory.zone(zoneName)
                    // Its change map goes with it: a file the database cannot account for is kept, never removed.
                    let kept = try await BlockingIO.run { () throws(FileSystemError) in
                        try paths.map { path throws(FileSystemError) in
                            try lostAndFound.keep(path, zone: zoneDirectory)
                        }
                    }
                    logger.warning(
                        "moved files of a volume the database does not know to lost+found",
                        metadata: [
                            "iaas.volume.id": "\(volumeId)", "iaas.zone": "\(zoneName)",
                            "iaas.file.count": "\(kept.count)", "iaas.path": "\(zoneDirectory.lostAndFound)",
                        ])
                    report.orphanFilesKept += kept.count
                }
            }
        }
        report.lostAndFoundFiles = try await BlockingIO.run { () throws(FileSystemError) in try lostAndFound.count() }
        volumes.lostAndFoundFiles.set(report.lostAndFoundFiles)
    }
}
