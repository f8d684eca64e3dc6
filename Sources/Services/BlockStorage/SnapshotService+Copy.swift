import API
import Foundation
import GRDB
import Store

extension SnapshotService {
    /// What `VolumeId` a copy shows, as AWS's copies do: an id that names no volume.
    static let copiedVolumeId = "vol-ffffffff"

    /// `ec2.CopySnapshot`: a `pending` snapshot in the destination region whose job copies the source's
    /// blocks there (within one region they are shared, not copied: blobs are content-addressed).
    public func copySnapshot(_ request: CopySnapshotRequest) async throws(CloudError) -> CopySnapshotResult {
        let catalog = volumes.catalog
        guard catalog.regions.contains(where: { $0.regionName == request.sourceRegion }) else {
            throw .invalidParameterValue("SourceRegion '\(request.sourceRegion)' is not a region of this cloud.")
        }
        let destination = request.destinationRegion ?? request.sourceRegion
        guard catalog.regions.contains(where: { $0.regionName == destination }) else {
            throw .invalidParameterValue("DestinationRegion '\(destination)' is not a region of this cloud.")
        }
        let description = try Self.validDescription(
            request.description ?? "[Copied \(request.sourceSnapshotId) from \(request.sourceRegion)]")
        let tags = try TagRules.tags(of: request.tagSpecifications, for: "snapshot")
        let account = account
        let record = try await database.writeOrThrow { db throws(CloudError) -> SnapshotRecord in
            let source = try Self.fetch(request.sourceSnapshotId, in: db)
            guard source.region == request.sourceRegion else { throw SnapshotErrors.notFound(source.id) }
            guard source.state == .completed else {
                throw .incorrectState(
                    "Snapshot '\(source.id)' is \(source.state.rawValue); only a completed one can be copied.")
            }
            let record = SnapshotRecord(
                id: ResourceID.make("snap"), region: destination, volumeId: Self.copiedVolumeId,
                volumeSizeGiB: source.volumeSizeGiB, state: .pending, startTime: Date(), description: description,
                ownerId: account, resumable: true, sourceSnapshotId: source.id, sourceRegion: source.region)
            try db.catching { try record.insert(db) }
            try TagService.upsert(tags, on: record.id, type: "snapshot", in: db)
            return record
        }
        logger.info(
            "snapshot copy started",
            metadata: [
                "iaas.snapshot.id": "\(record.id)", "iaas.source-snapshot.id": "\(request.sourceSnapshotId)",
                "iaas.region": "\(destination)",
            ])
        await CrashPoint.reach("snapshot.copy.after-intent")
        startCopy(record.id)
        return CopySnapshotResult(snapshotId: record.id)
    }

    func startCopy(_ id: String) {
        let service = self
        Task { await service.copy(id) }
    }

    /// The job of a copy; the reconciler runs it again after a crash (the source does not change).
    func copy(_ id: String) async {
        let pins = pins
        // The blocks written into another region stay pinned until the copy's rows refer to them.
        var written: BlobBatch?
        defer { if let written { pins.unpin(written.digests) } }
        do {
            guard
                let (record, blocks) = try await database.readOrThrow({
                    db -> (SnapshotRecord, [SnapshotBlockRecord])? in
                    guard let record = try SnapshotRecord.fetchOne(db, key: id), record.state == .pending,
                        let source = record.sourceSnapshotId
                    else { return nil }
                    return (
                        record,
                        try SnapshotBlockRecord.filter(SnapshotBlockRecord.Columns.snapshotId == source)
                            .order(SnapshotBlockRecord.Columns.index).fetchAll(db)
                    )
                })
            else { return }
            guard let sourceRegion = record.sourceRegion else { return }
            if sourceRegion != record.region {
                let from = try store(sourceRegion)
                let batch = BlobBatch(store: try store(record.region))
                written = batch
                let progress = trackProgress(id)
                defer { progress.finish() }
                try await BlockingIO.run { () throws -> Void in
                    for (number, block) in blocks.enumerated() {
                        guard let digest = BlobDigest(hex: block.digest) else { continue }
                        let (bytes, _) = try from.read(digest)
                        _ = try bytes.withUnsafeBytes { (pointer: UnsafeRawBufferPointer) throws -> BlobDigest in
                            try batch.add(pointer, digest: digest) { pins.pin($0) }
                        }
                        progress.percent = (number + 1) * 95 / max(1, blocks.count)
                    }
                    try batch.commit()
                }
            }
            await CrashPoint.reach("snapshot.copy.after-blobs")
            try await complete(
                id,
                blocks: blocks.map {
                    SnapshotBlockRecord(snapshotId: id, index: $0.index, digest: $0.digest, size: $0.size)
                })
        } catch {
            await fail(id, "The source snapshot's data could not be copied; delete this copy and retry.", error: error)
        }
    }
}
