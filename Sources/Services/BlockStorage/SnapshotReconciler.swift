import API
import GRDB
import Logging
import Store

/// Resumes, at start-up, the snapshot jobs a crash or a stop interrupted, so that no snapshot stays
/// `pending`: a copy starts over (its source does not change); a snapshot of a volume starts over only if
/// nothing can have written to the volume since the call (it was detached and still is, and no attach
/// came in between), and otherwise goes to `error`, since its point in time is lost.
public struct SnapshotReconciler: Sendable {
    public struct Report: Sendable, Equatable {
        public var resumed = 0
        public var failed = 0
    }

    let service: SnapshotService
    private let logger = Logger(label: "iaas.ebs.snapshots.reconciler")

    public init(service: SnapshotService) {
        self.service = service
    }

    public func run() async throws -> Report {
        var report = Report()
        let (pending, attached, imports) = try await service.database.read { db in
            let pending = try SnapshotRecord.filter(SnapshotRecord.Columns.state == SnapshotState.pending).fetchAll(db)
            return (
                pending, try String.fetchSet(db, VolumeAttachmentRecord.select(Column("volumeId"))),
                try SnapshotImportRecord.filter(pending.map(\.id).contains(Column("snapshotId"))).fetchAll(db)
            )
        }
        for record in pending {
            if let task = imports.first(where: { $0.snapshotId == record.id }) {
                service.startImport(task)
            } else if record.sourceSnapshotId != nil {
                service.startCopy(record.id)
            } else if record.resumable, !attached.contains(record.volumeId) {
                service.startCapture(record.id)
            } else {
                await service.fail(
                    record.id,
                    "iaasd stopped while the snapshot was taken, and the volume may have been written since; create another snapshot."
                )
                report.failed += 1
                continue
            }
            logger.notice("resumed an interrupted snapshot", metadata: ["iaas.snapshot.id": "\(record.id)"])
            report.resumed += 1
        }
        return report
    }
}
