import API
import Engine
import GRDB
import Store

extension InstanceService: VolumeQuiescing {
    /// Pauses the machine of the running instance the volume is attached to (QMP `stop` drains and flushes
    /// its disks first), for a snapshot's point in time; the returned closure lets it run again. A machine
    /// left paused by a crash is resumed by `ComputeReconciler`.
    public func quiesce(volume id: String) async throws(CloudError) -> (@Sendable () async -> Void)? {
        let attachment = try await database.readOrThrow { db in try VolumeAttachmentRecord.fetchOne(db, key: id) }
        guard let instanceId = attachment?.instanceId, await hypervisor.status(instanceId) == .running else {
            return nil
        }
        do {
            try await hypervisor.pause(instanceId)
        } catch {
            throw InternalFault.cloudError(
                error, while: "pause the instance for a snapshot of its volume", logger: logger,
                metadata: ["iaas.instance.id": "\(instanceId)", "iaas.volume.id": "\(id)"])
        }
        logger.info(
            "instance paused for a snapshot",
            metadata: ["iaas.instance.id": "\(instanceId)", "iaas.volume.id": "\(id)"])
        let hypervisor = hypervisor
        let logger = logger
        return {
            do {
                try await hypervisor.resume(instanceId)
                logger.info("instance resumed after a snapshot", metadata: ["iaas.instance.id": "\(instanceId)"])
            } catch {
                logger.error(
                    "could not resume an instance paused for a snapshot; the next start resumes it",
                    metadata: ["iaas.instance.id": "\(instanceId)", "iaas.error": "\(error)"])
            }
        }
    }

    public func writerMarksChanges(volume id: String) async -> Bool {
        guard
            let instance = try? await database.readOrThrow({ db -> InstanceRecord? in
                guard let attachment = try VolumeAttachmentRecord.fetchOne(db, key: id) else { return nil }
                return try InstanceRecord.fetchOne(db, key: attachment.instanceId)
            })
        else { return true }
        return Self.marksVolumeWrites(instance)
    }
}
