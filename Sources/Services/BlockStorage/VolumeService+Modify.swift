import API
import Foundation
import GRDB
import Store

extension VolumeService {
    /// `ec2.ModifyVolume`: grows the replicas in place (data kept, the volume stays usable) and changes type,
    /// IOPS or throughput within the limits of the target type.
    public func modifyVolume(_ request: ModifyVolumeRequest) async throws(CloudError) -> ModifyVolumeResult {
        let id = request.volumeId
        try VolumeErrors.requireWellFormed(id)
        guard
            request.size != nil || request.volumeType != nil || request.iops != nil || request.throughput != nil
                || request.multiAttachEnabled != nil
        else {
            throw .missingParameter("Size, VolumeType, Iops, Throughput or MultiAttachEnabled")
        }
        let targetType = try request.volumeType.map { name throws(CloudError) in try VolumeType.named(name) }
        // (1) Intent: a `modifying` modification row; the volume keeps its current attributes until done.
        let intent = try await database.writeOrThrow { db throws(CloudError) in
            let record = try Self.fetch(id, in: db)
            try VolumeLifecycle.modify(id, state: record.state, modifying: try Self.isModifying(id, in: db))
            let spec = try Self.target(of: request, record: record, type: targetType)
            var modification = VolumeModificationRecord(
                volumeId: id, state: .modifying, targetSizeGiB: spec.sizeGiB, targetVolumeType: spec.type.name,
                targetIops: spec.iops, targetThroughput: spec.throughput,
                targetMultiAttachEnabled: spec.multiAttachEnabled,
                original: record, startTime: Date()
            )
            try db.catching { try modification.insert(db) }
            return modification
        }
        await CrashPoint.reach("volume.modify.after-intent")
        let modification = try await apply(intent)
        logger.info(
            "volume modified",
            metadata: [
                "iaas.volume.id": "\(id)", "iaas.volume.size-gib": "\(modification.targetSizeGiB)",
                "iaas.volume.type": "\(modification.targetVolumeType)",
            ])
        return ModifyVolumeResult(volumeModification: Self.shape(modification))
    }

    /// Steps (2) and (3) of a modification: grow the files, then commit the new attributes. Also how the
    /// reconciler finishes one a crash interrupted. Both steps hold the volume's file lock, so a status check
    /// or a repair never sees grown files next to a row that still has the old size.
    func apply(_ modification: VolumeModificationRecord) async throws(CloudError) -> VolumeModificationRecord {
        let id = modification.volumeId
        return try await fileLocks.withLock(id) { () async throws(CloudError) -> VolumeModificationRecord in
            let record = try await database.readOrThrow { db in try VolumeRecord.fetchOne(db, key: id) }
            guard let record else { throw VolumeErrors.notFound(id) }
            if modification.targetSizeGiB > record.sizeGiB {
                var grown = record
                grown.sizeGiB = modification.targetSizeGiB
                let target = replicaFiles(grown)
                do throws(CloudError) {
                    try await fileWork(id, "grow") { [files] () throws(FileSystemError) in try files.grow(target) }
                } catch {
                    await fail(modification)
                    throw error
                }
            }
            await CrashPoint.reach("volume.modify.after-files")
            var completed = modification
            completed.state = .completed
            completed.endTime = Date()
            try await database.writeOrThrow { [completed] db throws(CloudError) in
                guard var volume = try db.catching({ try VolumeRecord.fetchOne(db, key: id) }) else { return }
                volume.sizeGiB = completed.targetSizeGiB
                volume.volumeType = completed.targetVolumeType
                volume.iops = completed.targetIops
                volume.throughput = completed.targetThroughput
                volume.multiAttachEnabled = completed.targetMultiAttachEnabled
                try db.catching {
                    try volume.update(db)
                    try completed.update(db)
                }
            }
            return completed
        }
    }

    /// Ends a modification whose files could not be grown in AWS's `failed` state; the volume keeps its
    /// attributes. A replica grown before the failure is longer than the row says, which the repairer sees
    /// and rebuilds from its twin.
    private func fail(_ modification: VolumeModificationRecord) async {
        var failed = modification
        failed.state = .failed
        failed.endTime = Date()
        do {
            try await database.writeOrThrow { [failed] db throws(CloudError) in
                try db.catching { try failed.update(db) }
            }
            logger.error("volume modification failed", metadata: ["iaas.volume.id": "\(modification.volumeId)"])
        } catch {
            logger.error(
                "could not record a failed modification; the next start finishes it",
                metadata: ["iaas.volume.id": "\(modification.volumeId)", "iaas.error": "\(error)"])
        }
    }

    /// The validated attributes a modification asks for, starting from the volume's current ones.
    static func target(
        of request: ModifyVolumeRequest, record: VolumeRecord, type: VolumeType?
    ) throws(CloudError) -> VolumeSpec {
        let current = try VolumeType.named(record.volumeType)
        let type = type ?? current
        let size = request.size ?? record.sizeGiB
        guard size >= record.sizeGiB else {
            throw .invalidParameterValue(
                "New size \(size)GiB is smaller than the current size \(record.sizeGiB)GiB; a volume can only grow."
            )
        }
        // Performance settings carry over only within one type; a new type starts from its defaults.
        let sameType = type == current
        let spec = try VolumeSpec(
            sizeGiB: size, type: type,
            iops: request.iops ?? (sameType ? record.iops : nil),
            throughput: request.throughput ?? (sameType ? record.throughput : nil),
            multiAttachEnabled: request.multiAttachEnabled ?? (type.supportsMultiAttach && record.multiAttachEnabled)
        )
        guard
            spec.sizeGiB != record.sizeGiB || spec.type != current || spec.iops != record.iops
                || spec.throughput != record.throughput || spec.multiAttachEnabled != record.multiAttachEnabled
        else {
            throw .invalidParameterValue("The requested modification does not change volume \(record.id).")
        }
        return spec
    }

    static func shape(_ modification: VolumeModificationRecord) -> VolumeModification {
        VolumeModification(
            volumeId: modification.volumeId, modificationState: modification.state.rawValue,
            targetSize: modification.targetSizeGiB, targetVolumeType: modification.targetVolumeType,
            targetIops: modification.targetIops, targetThroughput: modification.targetThroughput,
            originalSize: modification.originalSizeGiB, originalVolumeType: modification.originalVolumeType,
            originalIops: modification.originalIops, originalThroughput: modification.originalThroughput,
            progress: modification.state == .completed ? 100 : 0, startTime: modification.startTime,
            endTime: modification.endTime
        )
    }
}
