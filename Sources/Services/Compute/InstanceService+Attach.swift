import API
import Engine
import Foundation
import GRDB
import Store

extension InstanceService {
    /// `ec2.AttachVolume`: (1) intent: the attachment `attaching`, the volume `in-use`; (2) on a running
    /// instance, the volume is hot-plugged (a quorum over its replicas, on a free PCIe root port); a stopped
    /// one gets it at its next start; (3) the attachment `attached`. Answers at `attaching`, as AWS does.
    public func attachVolume(_ request: AttachVolumeRequest) async throws(CloudError) -> VolumeAttachment {
        try Self.validateDevice(request.device)
        let maxDisks = hypervisor.maxDisks
        let attachment = try await database.writeOrThrow { db throws(CloudError) -> VolumeAttachmentRecord in
            let volume = try VolumeService.fetch(request.volumeId, in: db)
            let instance = try Self.fetch([request.instanceId], in: db)[0]
            guard [.running, .stopped].contains(instance.state) else {
                throw ComputeErrors.incorrectState(instance.id, instance.state.rawValue, action: "attached to")
            }
            guard volume.zone == instance.zone else {
                throw CloudError(
                    code: "InvalidVolume.ZoneMismatch",
                    message:
                        "The volume '\(volume.id)' is not in the same availability zone as instance '\(instance.id)' (\(volume.zone) and \(instance.zone))."
                )
            }
            guard volume.state == .available else {
                if volume.state == .inUse { throw VolumeErrors.inUse(volume.id) }
                throw VolumeErrors.incorrectState(volume.id, state: volume.state.rawValue, action: "attached")
            }
            let taken = try db.catching {
                try VolumeAttachmentRecord.filter(VolumeAttachmentRecord.Columns.instanceId == instance.id).fetchAll(db)
            }
            let type = try InstanceType.named(instance.instanceType)
            guard !type.isClassic else {
                // The classic board has one disk, its root, and no hot-plug.
                throw CloudError(
                    code: "UnsupportedOperation",
                    message:
                        "Instance '\(instance.id)' is a \(type.name) on the classic VMM, whose board has one disk, its root: no volume can be attached."
                )
            }
            // The instance store takes a slot too.
            let slots = maxDisks - (type.instanceStorageGB == nil ? 0 : 1)
            guard taken.count < slots else {
                throw CloudError(
                    code: "AttachmentLimitExceeded",
                    message:
                        "Instance '\(instance.id)' has \(taken.count - 1) volumes attached besides its root; no more fit."
                )
            }
            guard !taken.contains(where: { $0.device == request.device }) else {
                throw .invalidParameterValue("Attachment point \(request.device) is already in use")
            }
            let attachment = VolumeAttachmentRecord(
                volumeId: volume.id, instanceId: instance.id, device: request.device, state: "attaching",
                attachTime: Date(), deleteOnTermination: false)
            try db.catching {
                try attachment.insert(db)
                try VolumeRecord.filter(key: volume.id).updateAll(
                    db, Column("state").set(to: VolumeState.inUse.rawValue))
                // A pending snapshot of the volume can no longer start over after a crash: a guest may
                // write to the volume from now on.
                try SnapshotRecord.filter(SnapshotRecord.Columns.volumeId == volume.id)
                    .filter(SnapshotRecord.Columns.state == SnapshotState.pending)
                    .updateAll(db, SnapshotRecord.Columns.resumable.set(to: false))
            }
            return attachment
        }
        await CrashPoint.reach("volume.attach.after-intent")
        let service = self
        Task { await service.finishAttach(attachment.volumeId, instance: attachment.instanceId) }
        return Self.wire(attachment)
    }

    /// Steps (2) and (3) of an attach; also how the reconciler finishes one.
    func finishAttach(_ volumeId: String, instance id: String) async {
        await locks.withLock(id) { () async -> Void in
            do throws(CloudError) {
                let (instance, volume) = try await database.readOrThrow { db in
                    (try InstanceRecord.fetchOne(db, key: id), try VolumeRecord.fetchOne(db, key: volumeId))
                }
                guard let instance, let volume else { return }
                if instance.state == .running {
                    do {
                        // Not while a snapshot reads the volume: it holds the volume's file lock meanwhile.
                        let disk = disk(of: volume, for: instance)
                        try await volumes.fileLocks.withLock(volumeId) { () async throws(EngineError) in
                            try await hypervisor.attach(disk, to: id)
                        }
                    } catch {
                        // Plugged before a crash: the engine already has it.
                        guard "\(error)".contains("Duplicate") || "\(error)".contains("already") else {
                            throw InternalFault.cloudError(
                                error, while: "attach the volume", logger: logger,
                                metadata: ["iaas.volume.id": "\(volumeId)"])
                        }
                    }
                }
                await CrashPoint.reach("volume.attach.after-plug")
                try await setAttachment(volumeId, state: "attached")
                logger.info(
                    "volume attached", metadata: ["iaas.volume.id": "\(volumeId)", "iaas.instance.id": "\(id)"])
            } catch {
                logger.error(
                    "could not attach a volume; it goes back to available",
                    metadata: ["iaas.volume.id": "\(volumeId)", "iaas.instance.id": "\(id)", "iaas.error": "\(error)"])
                try? await release(volumeId)
            }
        }
    }

    /// `ec2.DetachVolume`: (1) intent `detaching`; (2) on a running instance the guest lets go of the disk
    /// (PCIe hot-unplug); (3) the attachment goes and the volume is `available`. A root volume is detached
    /// only from a stopped instance.
    public func detachVolume(_ request: DetachVolumeRequest) async throws(CloudError) -> VolumeAttachment {
        let attachment = try await database.writeOrThrow { db throws(CloudError) -> VolumeAttachmentRecord in
            let volume = try VolumeService.fetch(request.volumeId, in: db)
            guard var attachment = try db.catching({ try VolumeAttachmentRecord.fetchOne(db, key: volume.id) }) else {
                throw CloudError(
                    code: "IncorrectState", message: "Volume '\(volume.id)' is in the '\(volume.state.rawValue)' state."
                )
            }
            if let instance = request.instanceId, instance != attachment.instanceId {
                throw CloudError(
                    code: "InvalidAttachment.NotFound",
                    message: "Volume '\(volume.id)' is not attached to instance '\(instance)'.")
            }
            if let device = request.device, device != attachment.device {
                throw CloudError(
                    code: "InvalidAttachment.NotFound",
                    message: "Volume '\(volume.id)' is not attached as \(device) (it is \(attachment.device)).")
            }
            guard attachment.state == "attached" else {
                throw CloudError(
                    code: "IncorrectState",
                    message:
                        "The attachment of volume '\(volume.id)' is \(attachment.state); try again when it is attached."
                )
            }
            let instance = try Self.fetch([attachment.instanceId], in: db)[0]
            if attachment.device == Self.rootDevice, instance.state != .stopped {
                throw CloudError(
                    code: "OperationNotPermitted",
                    message: "Volume '\(volume.id)' is the root device of '\(instance.id)'; stop the instance first.")
            }
            attachment.state = "detaching"
            try db.catching { try attachment.update(db) }
            return attachment
        }
        await CrashPoint.reach("volume.detach.after-intent")
        let service = self
        let force = request.force ?? false
        Task { await service.finishDetach(attachment.volumeId, instance: attachment.instanceId, force: force) }
        return Self.wire(attachment)
    }

    /// Steps (2) and (3) of a detach; also how the reconciler finishes one.
    func finishDetach(_ volumeId: String, instance id: String, force: Bool) async {
        await locks.withLock(id) { () async -> Void in
            let state = try? await database.readOrThrow { db in try InstanceRecord.fetchOne(db, key: id)?.state }
            if state == .running {
                do {
                    try await hypervisor.detach(volumeId, from: id, force: force)
                } catch {
                    logger.error(
                        "the guest did not release a volume; it stays attached",
                        metadata: [
                            "iaas.volume.id": "\(volumeId)", "iaas.instance.id": "\(id)", "iaas.error": "\(error)",
                        ])
                    try? await setAttachment(volumeId, state: "attached")
                    return
                }
            }
            do {
                try await release(volumeId)
                logger.info(
                    "volume detached", metadata: ["iaas.volume.id": "\(volumeId)", "iaas.instance.id": "\(id)"])
            } catch {
                logger.error(
                    "could not record a detach; the next start does", metadata: ["iaas.volume.id": "\(volumeId)"])
            }
        }
    }

    private func setAttachment(_ volumeId: String, state: String) async throws(CloudError) {
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try VolumeAttachmentRecord.filter(key: volumeId).updateAll(db, Column("state").set(to: state))
            }
        }
    }

    /// The attachment goes; the volume is `available`.
    private func release(_ volumeId: String) async throws(CloudError) {
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                _ = try VolumeAttachmentRecord.deleteOne(db, key: volumeId)
                try VolumeRecord.filter(key: volumeId).updateAll(
                    db, Column("state").set(to: VolumeState.available.rawValue))
            }
        }
    }

    /// The engine's view of a volume: a disk named by its id, a quorum over its replicas. QEMU writes
    /// without marking the volume's change map, so the map stops being trusted before a QEMU machine gets
    /// the volume (the classic engine marks it).
    func disk(of volume: VolumeRecord, for instance: InstanceRecord) -> Disk {
        let files = volumes.replicaFiles(volume)
        if !Self.marksVolumeWrites(instance) { VolumeChangeMap.open(at: files.changeMap.string)?.untrack() }
        return Disk(
            id: volume.id,
            backing: .replicated(
                (0..<VolumeReplicaFiles.replicaCount).map { replica in
                    Replica(
                        segments: files.segments(replica: replica).map {
                            Replica.Segment(path: $0.path.string, bytes: UInt64($0.size))
                        })
                }))
    }

    /// Whether the engine of the instance's type marks the change maps of the volumes it writes.
    static func marksVolumeWrites(_ instance: InstanceRecord) -> Bool {
        (try? InstanceType.named(instance.instanceType))?.isClassic ?? false
    }

    static let rootDevice = "/dev/xvda"

    /// AWS's EBS device names: `/dev/sd[b-z]` or `/dev/xvd[b-z]`, optionally with a second letter.
    static func validateDevice(_ device: String) throws(CloudError) {
        let name: Substring
        if device.hasPrefix("/dev/sd") {
            name = device.dropFirst(7)
        } else if device.hasPrefix("/dev/xvd") {
            name = device.dropFirst(8)
        } else {
            name = ""
        }
        guard (1...2).contains(name.count), name.allSatisfy({ ("a"..."z").contains($0) }), name.first != "a" else {
            throw .invalidParameterValue(
                "Value (\(device)) for parameter device is invalid. \(device) is not a valid EBS device name.")
        }
    }

    static func wire(_ attachment: VolumeAttachmentRecord) -> VolumeAttachment {
        VolumeAttachment(
            volumeId: attachment.volumeId, instanceId: attachment.instanceId, device: attachment.device,
            state: attachment.state, attachTime: attachment.attachTime,
            deleteOnTermination: attachment.deleteOnTermination)
    }
}
