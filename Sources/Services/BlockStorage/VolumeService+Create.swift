import API
import Foundation
import GRDB
import Store

extension VolumeService {
    /// `ec2.CreateVolume`: two sparse replicas of the requested size in the zone; no data block is allocated.
    public func createVolume(_ request: CreateVolumeRequest) async throws(CloudError) -> Volume {
        var request = request
        let source = try await restoreSource(of: &request)
        let spec = try Self.validate(request, catalog: catalog)
        let tags = try Self.volumeTags(request.tagSpecifications)
        if let token = request.clientToken {
            guard !token.isEmpty, token.count <= 64, token.allSatisfy(\.isASCII) else {
                throw .invalidParameterValue("ClientToken must be 1 to 64 ASCII characters.")
            }
        }
        let record = spec.record(
            zone: request.availabilityZone, clientToken: request.clientToken, snapshotId: source?.id)
        // (1) Intent: the row in `creating`, with its tags.
        let existing = try await database.writeOrThrow { db throws(CloudError) -> VolumeRecord? in
            if let token = record.clientToken {
                let earlier = try db.catching {
                    try VolumeRecord.filter(VolumeRecord.Columns.clientToken == token).fetchOne(db)
                }
                if let earlier {
                    guard earlier.zone == record.zone, earlier.sizeGiB == record.sizeGiB,
                        earlier.volumeType == record.volumeType,
                        earlier.iops == record.iops, earlier.throughput == record.throughput,
                        earlier.multiAttachEnabled == record.multiAttachEnabled,
                        earlier.snapshotId == record.snapshotId
                    else {
                        throw CloudError(
                            code: "IdempotentParameterMismatch",
                            message:
                                "ClientToken '\(token)' was already used by a CreateVolume with other parameters (\(earlier.id))."
                        )
                    }
                    return earlier
                }
            }
            // The snapshot may have gone since it was looked at; deleting it waits for this row.
            if let snapshotId = record.snapshotId { _ = try Self.completedSnapshot(snapshotId, in: db) }
            try db.catching { try record.insert(db) }
            try TagService.upsert(tags, on: record.id, type: "volume", in: db)
            return nil
        }
        guard let existing else {
            count.adjust(by: 1)
            if record.snapshotId != nil {
                // As in EC2, the volume is `creating` until its data is in place.
                restoreInBackground(record)
                return Self.volume(record, tags: tags)
            }
            return try await finishCreate(record, tags: tags)
        }
        let existingTags = try await database.readOrThrow { db in
            try TagService.tags(of: [existing.id], in: db)[existing.id]
        }
        return Self.volume(existing, tags: existingTags)
    }

    /// Steps (2) and (3) of a create whose intent is committed.
    private func finishCreate(_ record: VolumeRecord, tags: [Tag]) async throws(CloudError) -> Volume {
        await CrashPoint.reach("volume.create.after-intent")

        // (2) Side effect: both replicas, durable.
        let replicaFiles = replicaFiles(record)
        do {
            try await fileWork(record.id, "create") { [files] () throws(FileSystemError) in
                try files.makeNew(replicaFiles)
            }
        } catch {
            await rollBackCreate(record)
            throw error
        }
        await CrashPoint.reach("volume.create.after-files")

        // (3) Final state.
        var created = record
        created.state = .available
        try await database.writeOrThrow { [created] db throws(CloudError) in
            try db.catching { try created.update(db, columns: [VolumeRecord.Columns.state]) }
        }
        logger.info(
            "volume created",
            metadata: [
                "iaas.volume.id": "\(record.id)", "iaas.zone": "\(record.zone)",
                "iaas.volume.size-gib": "\(record.sizeGiB)",
                "iaas.volume.type": "\(record.volumeType)",
            ])
        return Self.volume(created, tags: tags)
    }

    /// Undoes a create whose files could not be made, as an action of its own, so that a create the client
    /// was told failed never comes back: (1) intent: the row goes to `deleting` and gives up its ClientToken
    /// (a retry with that token creates afresh); (2) the files go; (3) the row is forgotten. A crash in
    /// between leaves a `deleting` row that the reconciler finishes as a delete. Files that cannot be removed
    /// either leave the volume in `error`, as AWS does, for DeleteVolume to clean up.
    private func rollBackCreate(_ record: VolumeRecord) async {
        var rolling = record
        rolling.state = .deleting
        rolling.clientToken = nil
        do {
            try await database.writeOrThrow { [rolling] db throws(CloudError) in
                try db.catching {
                    try rolling.update(db, columns: [VolumeRecord.Columns.state, VolumeRecord.Columns.clientToken])
                }
            }
        } catch {
            // The row stays `creating`; the next start finishes the create, and a ClientToken retry finds it.
            logger.error(
                "could not record the roll-back of a failed create",
                metadata: ["iaas.volume.id": "\(record.id)", "iaas.error": "\(error)"])
            return
        }
        await CrashPoint.reach("volume.create.rollback.after-intent")
        do {
            try await removeFiles(of: record)
        } catch {
            await markError(record.id, after: "roll back its create")
            return
        }
        await CrashPoint.reach("volume.create.rollback.after-files")
        do {
            try await database.writeOrThrow { db throws(CloudError) in try Self.forget(record.id, in: db) }
            count.adjust(by: -1)
            logger.notice("rolled back a failed create", metadata: ["iaas.volume.id": "\(record.id)"])
        } catch {
            logger.error(
                "could not forget a rolled-back volume; the next start does",
                metadata: ["iaas.volume.id": "\(record.id)", "iaas.error": "\(error)"])
        }
    }

    static func validate(_ request: CreateVolumeRequest, catalog: RegionCatalog) throws(CloudError) -> VolumeSpec {
        _ = try catalog.requireZone(request.availabilityZone)
        guard let size = request.size else { throw .missingParameter("Size") }
        if request.encrypted == true {
            throw CloudError(
                code: "UnsupportedOperation",
                message: "Encrypted volumes are not supported by this cloud yet; omit Encrypted or set it to false."
            )
        }
        let type = try request.volumeType.map { name throws(CloudError) in try VolumeType.named(name) } ?? .defaultType
        return try VolumeSpec(
            sizeGiB: size, type: type, iops: request.iops, throughput: request.throughput,
            multiAttachEnabled: request.multiAttachEnabled ?? false
        )
    }

    /// The tags of the `volume` entries of `TagSpecifications`.
    static func volumeTags(_ specifications: [TagSpecification]?) throws(CloudError) -> [Tag] {
        try TagRules.tags(of: specifications, for: "volume")
    }
}
