import API
import GRDB
import Logging
import Store

/// Finishes, at start-up, every volume action a crash interrupted, and removes files no row owns.
///
/// - `creating` rows are driven forward: both replicas are made whole, then the row becomes `available`
///   (a client retrying with its `ClientToken` gets this volume).
/// - `deleting` rows are driven forward: files removed, row forgotten.
/// - `modifying` modifications are driven forward: replicas grown, attributes committed.
/// - files in a zone's `ebs-N/` whose volume has no row, and temporary files of interrupted copies, are removed.
public struct VolumeReconciler: Sendable {
    /// What one reconciliation did.
    public struct Report: Sendable, Equatable {
        public var createsFinished = 0
        public var deletesFinished = 0
        public var modificationsFinished = 0
        public var orphanFilesRemoved = 0
    }

    let volumes: VolumeService
    private let logger = Logger(label: "iaas.ebs.reconciler")

    public init(volumes: VolumeService) {
        self.volumes = volumes
    }

    public func run() async throws -> Report {
        var report = Report()
        let database = volumes.database
        let transitional = try await database.read { db in try VolumeRecord.all().transitional().fetchAll(db) }
        for record in transitional {
            switch record.state {
            case .creating:
                if try await finishCreate(record) { report.createsFinished += 1 }
            case .deleting:
                try await finishDelete(record)
                report.deletesFinished += 1
            default:
                break
            }
        }
        let modifications = try await database.read { db in
            try VolumeModificationRecord.filter(VolumeModificationRecord.Columns.state == ModificationState.modifying)
                .fetchAll(db)
        }
        for modification in modifications {
            _ = try await volumes.apply(modification)
            logger.notice(
                "finished interrupted modification",
                metadata: [
                    "iaas.volume.id": "\(modification.volumeId)",
                    "iaas.volume.size-gib": "\(modification.targetSizeGiB)",
                ])
            report.modificationsFinished += 1
        }
        report.orphanFilesRemoved = try await removeOrphans()
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
        let files = volumes.replicaFiles(record)
        try await volumes.fileWork(record.id, "create") { [store = volumes.files] () throws(FileSystemError) in
            try store.ensure(files)
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

    private func removeOrphans() async throws -> Int {
        let known = try await volumes.database.read { db in
            try String.fetchSet(db, VolumeRecord.select(VolumeRecord.Columns.id))
        }
        var removed = 0
        for (_, zone) in volumes.catalog.zones {
            let store = volumes.files
            let temporary = try await BlockingIO.run { () throws(FileSystemError) in
                try store.removeTemporaryFiles(zone: zone.zoneName)
            }
            for path in temporary {
                logger.notice("removed temporary file of an interrupted copy", metadata: ["iaas.path": "\(path)"])
            }
            removed += temporary.count
            let owners = try await BlockingIO.run { () throws(FileSystemError) in
                try store.filesOnDisk(zone: zone.zoneName)
            }
            for (volumeId, paths) in owners where !known.contains(volumeId) {
                try await BlockingIO.run { () throws(FileSystemError) in
                    try store.remove(volumeId: volumeId, zone: zone.zoneName)
                }
                logger.notice(
                    "removed orphan volume files",
                    metadata: [
                        "iaas.volume.id": "\(volumeId)", "iaas.zone": "\(zone.zoneName)",
                        "iaas.file.count": "\(paths.count)",
                    ])
                removed += paths.count
            }
        }
        return removed
    }
}
