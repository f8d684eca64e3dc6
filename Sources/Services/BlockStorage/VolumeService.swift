import API
import Foundation
import GRDB
import Logging
import Store

/// EBS volumes: `CreateVolume`, `DescribeVolumes`, `DeleteVolume`, `ModifyVolume`, `DescribeVolumeStatus`.
///
/// Every mutating action follows the crash protocol: (1) commit the intent (a row in a transitional state)
/// in one transaction; (2) do the file work idempotently; (3) commit the final state. A crash between any
/// two steps leaves a row `VolumeReconciler` finishes at the next start. The named `CrashPoint`s sit
/// between the steps.
public struct VolumeService: Sendable {
    let database: StoreDatabase
    let files: VolumeFileStore
    let catalog: RegionCatalog
    /// Serializes file work on one volume (a repair against a delete or a grow).
    let fileLocks: KeyedLock
    let count: VolumeCount
    /// Each region's blob store, where snapshots keep the blocks a new volume is restored from.
    let blobs: [String: BlobStore]
    /// Files in the zones' `lost+found/`, counted by the reconciler.
    public let lostAndFoundFiles = Gauge()
    let logger = Logger(label: "iaas.ebs")

    public init(
        database: StoreDatabase, files: VolumeFileStore, catalog: RegionCatalog, blobs: [String: BlobStore] = [:]
    ) {
        self.database = database
        self.blobs = blobs
        self.files = files
        self.catalog = catalog
        self.fileLocks = KeyedLock()
        self.count = VolumeCount(database: database)
    }

    /// How many volumes exist, in any state.
    public var volumeCount: Int { count.value }

    func replicaFiles(_ record: VolumeRecord) -> VolumeReplicaFiles {
        files.files(volumeId: record.id, sizeBytes: record.sizeBytes, zone: record.zone)
    }

    /// Pauses between attempts of file work that failed: a transient fault (EINTR-like, a disk briefly
    /// full) gets a second chance before the action gives up.
    static let fileRetryDelays: [Duration] = [.milliseconds(50), .milliseconds(250)]

    /// Runs blocking file work off the cooperative pool, retrying with backoff; a failure that persists
    /// becomes the client's error (`InsufficientVolumeCapacity` for a full disk, else `InternalError`), with
    /// the detail in the log only.
    func fileWork<T: Sendable>(
        _ volumeId: String, _ what: String, _ body: @escaping @Sendable () throws(FileSystemError) -> T
    ) async throws(CloudError) -> T {
        var attempt = 0
        while true {
            do {
                return try await BlockingIO.run(body)
            } catch {
                guard attempt < Self.fileRetryDelays.count else {
                    throw InternalFault.cloudError(
                        error, while: "\(what) the replica files of \(volumeId)", logger: logger,
                        metadata: ["iaas.volume.id": "\(volumeId)"], diskFullCode: "InsufficientVolumeCapacity")
                }
                logger.warning(
                    "volume file operation failed; retrying",
                    metadata: [
                        "iaas.volume.id": "\(volumeId)", "iaas.operation": "\(what)", "iaas.error": "\(error)",
                        "iaas.attempt": "\(attempt + 1)",
                    ])
                try? await Task.sleep(for: Self.fileRetryDelays[attempt])
                attempt += 1
            }
        }
    }

    /// The API shape of a stored volume.
    static func volume(_ record: VolumeRecord, tags: [Tag]?, attachments: [VolumeAttachmentRecord] = []) -> Volume {
        let type = (try? VolumeType.named(record.volumeType)) ?? .defaultType
        return Volume(
            volumeId: record.id,
            size: record.sizeGiB,
            availabilityZone: record.zone,
            state: record.state.rawValue,
            volumeType: record.volumeType,
            iops: type.reportedIops(provisioned: record.iops, sizeGiB: record.sizeGiB),
            throughput: record.throughput,
            createTime: record.createTime,
            encrypted: record.encrypted,
            multiAttachEnabled: record.multiAttachEnabled,
            snapshotId: record.snapshotId,
            attachments: attachments.map { attachment in
                VolumeAttachment(
                    volumeId: attachment.volumeId, instanceId: attachment.instanceId, device: attachment.device,
                    state: attachment.state, attachTime: attachment.attachTime,
                    deleteOnTermination: attachment.deleteOnTermination)
            },
            tags: tags.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// Fetches a visible volume or throws `InvalidVolume.NotFound`.
    static func fetch(_ id: String, in db: Database) throws(CloudError) -> VolumeRecord {
        let record = try db.catching { try VolumeRecord.fetchOne(db, key: id) }
        guard let record, VolumeLifecycle.isVisible(record.state) else { throw VolumeErrors.notFound(id) }
        return record
    }

    /// Whether a modification of the volume is under way.
    static func isModifying(_ id: String, in db: Database) throws(CloudError) -> Bool {
        try db.catching {
            try VolumeModificationRecord
                .filter(VolumeModificationRecord.Columns.volumeId == id)
                .filter(VolumeModificationRecord.Columns.state == ModificationState.modifying)
                .fetchCount(db) > 0
        }
    }
}
