import API
import Engine
import Foundation
import GRDB
import Store
import SystemPackage

extension InstanceService {
    /// Boots a `pending` instance, in the background.
    func bootInBackground(_ id: String) {
        let service = self
        Task { await service.boot(id) }
    }

    /// Drives a `pending` instance to `running`: (2) its root volume's replicas made and filled from the
    /// image (once), a public address, the machine started; (3) `running` once the guest is ready. Any
    /// machine left from an earlier, interrupted boot is killed first, as libvirt does. A boot that fails
    /// leaves the instance `stopped`, with the reason.
    func boot(_ id: String) async {
        await locks.withLock(id) { () async -> Void in
            do throws(CloudError) {
                guard case (var instance, let image, let root, let attached)? = try await bootRecords(id) else {
                    return
                }
                if let root, root.state == .creating {
                    guard let image else { throw ComputeErrors.imageNotFound(instance.imageId) }
                    try await makeLaunchVolume(root, of: id, filledFrom: image)
                }
                let rootDisk: Disk.Backing
                if let root {
                    rootDisk = disk(of: root, for: instance).backing
                } else {
                    // An instance-store root: the image's disk, the guest's writes kept apart (erased at the end).
                    guard let image else { throw ComputeErrors.imageNotFound(instance.imageId) }
                    rootDisk = .ephemeral(base: image.rootDiskPath, path: instanceStorePath(instance).string)
                }
                let boot = try Self.bootFiles(of: instance, image: image)
                for volume in attached where volume.state == .creating {
                    try await makeLaunchVolume(volume, of: id, filledFrom: nil)
                }
                await CrashPoint.reach("instance.boot.after-volume")
                let address = try await assignPublicAddress(instance)
                if try InstanceType.named(instance.instanceType).isClassic {
                    // The classic board has no network device: nothing to forward or plug in.
                } else if networking.mode == .user {
                    instance.loopbackHttpPort = try await assignLoopbackPort(id)
                } else {
                    // The tap, the DHCP lease and the NAT of the public address, before the guest asks.
                    try await applyNetwork(region: placement(of: instance.zone).region)
                }
                var machine = try self.machine(instance, boot: boot, root: rootDisk, attached: attached)
                if let store = try await freshInstanceStore(instance) {
                    // After the root, before the volumes: /dev/vdb in the guest.
                    machine.disks.insert(Disk(id: "instance-store", backing: .local(path: store)), at: 1)
                }
                do {
                    let ready = try await startUntilReady(machine)
                    logger.debug(
                        "guest ready", metadata: ["iaas.instance.id": "\(id)", "iaas.hostname": "\(ready.hostname)"])
                } catch {
                    await hypervisor.kill(id)
                    await fail(id, reason: "\(error)")
                    return
                }
                let running = try await database.writeOrThrow { db throws(CloudError) -> Bool in
                    try db.catching {
                        try InstanceRecord.filter(key: id).filter(InstanceRecord.Columns.state == "pending")
                            .updateAll(db, InstanceRecord.Columns.state.set(to: InstanceState.running.rawValue)) == 1
                    }
                }
                if running {
                    logger.info(
                        "instance running",
                        metadata: ["iaas.instance.id": "\(id)", "iaas.public-ip": "\(address ?? "none")"])
                }
            } catch {
                await fail(id, reason: error.message)
            }
        }
    }

    /// How many times a boot starts a machine whose guest's kernel stalls before it is ready.
    static let bootAttempts = 3

    /// Starts the instance's machine and waits for its guest. A guest whose kernel reports a stall before
    /// its readiness line will never get there; its machine is started again (from the same disks), as a
    /// cloud's recovery would, up to `bootAttempts` starts in all.
    private func startUntilReady(_ machine: MachineDescription) async throws(EngineError) -> GuestReadiness {
        var attempt = 1
        while true {
            await hypervisor.kill(machine.id)
            try await hypervisor.start(machine)
            await CrashPoint.reach("instance.boot.after-start")
            do {
                return try await hypervisor.waitUntilReady(machine.id, timeout: bootTimeout)
            } catch .stalled(let report) where attempt < Self.bootAttempts {
                logger.warning(
                    "guest stalled in early boot; starting its machine again",
                    metadata: [
                        "iaas.instance.id": "\(machine.id)", "iaas.report": "\(report)", "iaas.attempt": "\(attempt)",
                    ])
                attempt += 1
            }
        }
    }

    /// The kernel and initrd an instance boots: its own, fixed at launch, or (launched from the built-in
    /// AMI, or before instances kept theirs) its image's.
    static func bootFiles(of instance: InstanceRecord, image: ImageRecord?) throws(CloudError) -> (
        kernel: String, initrd: String?
    ) {
        if let kernel = instance.kernelPath { return (kernel, instance.initrdPath) }
        guard let image else {
            throw CloudError(
                code: "InvalidAMIID.NotFound",
                message:
                    "The image \(instance.imageId) this instance was launched from is deregistered, and its kernel with it."
            )
        }
        return (image.kernelPath, image.initrdPath)
    }

    /// The instance (if still `pending`), its image (nil once deregistered), its root volume and the other
    /// volumes attached to it.
    private func bootRecords(_ id: String) async throws(CloudError) -> (
        InstanceRecord, ImageRecord?, VolumeRecord?, [VolumeRecord]
    )? {
        try await database.readOrThrow { db in
            guard let instance = try InstanceRecord.fetchOne(db, key: id), instance.state == .pending else {
                return nil
            }
            // An instance-store root has no volume; an EBS root's must be there.
            let root = try VolumeRecord.fetchOne(db, key: instance.rootVolumeId)
            guard root != nil || instance.hasInstanceStoreRoot else { return nil }
            let image = try ImageRecord.fetchOne(db, key: instance.imageId)
            // Attached volumes, and those of the launch's block device mappings that are still being made.
            let others = try VolumeAttachmentRecord.filter(VolumeAttachmentRecord.Columns.instanceId == id)
                .filter(Column("device") != Self.rootDevice)
                .filter(
                    sql:
                        "state = 'attached' OR (state = 'attaching' AND EXISTS (SELECT 1 FROM volume v WHERE v.id = volumeId AND v.state = 'creating'))"
                )
                .order(Column("device")).fetchAll(db)
            let byId = Dictionary(
                uniqueKeysWithValues: try VolumeRecord.filter(keys: others.map(\.volumeId)).fetchAll(db).map {
                    ($0.id, $0)
                })
            return (instance, image, root, others.compactMap { byId[$0.volumeId] })
        }
    }

    /// A volume of the launch: its replicas made (the root's filled with the image's root disk), then
    /// `in-use` and attached, or `available` when the instance was terminated first (`attached` false).
    func makeLaunchVolume(
        _ volume: VolumeRecord, of instance: String, filledFrom image: ImageRecord?, attached: Bool = true
    ) async throws(CloudError) {
        if volume.snapshotId != nil {
            // A volume of a mapping with a SnapshotId, or the root of an image made from a snapshot.
            try await volumes.restore(volume)
        } else {
            let files = volumes.replicaFiles(volume)
            let store = volumes.files
            try await volumes.fileWork(volume.id, "create a volume of the launch") { () throws(FileSystemError) in
                try store.makeNew(files)
                if let image { try store.fill(files, from: FilePath(image.rootDiskPath)) }
            }
        }
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try VolumeRecord.filter(key: volume.id).updateAll(
                    db, Column("state").set(to: (attached ? VolumeState.inUse : .available).rawValue))
                if attached {
                    try VolumeAttachmentRecord.filter(key: volume.id).updateAll(
                        db, Column("state").set(to: "attached"))
                }
            }
        }
        logger.info(
            image == nil ? "volume of the launch made" : "root volume made from the image",
            metadata: ["iaas.volume.id": "\(volume.id)", "iaas.instance.id": "\(instance)"])
    }

    /// The instance store of a type that has one: a new empty sparse file at every start (what the last run
    /// wrote is gone, as on AWS after a stop), not replicated.
    private func freshInstanceStore(_ instance: InstanceRecord) async throws(CloudError) -> String? {
        guard let gigabytes = try InstanceType.named(instance.instanceType).instanceStorageGB else { return nil }
        let path = instanceStorePath(instance)
        try await volumes.fileWork(instance.id, "make the instance store") { () throws(FileSystemError) in
            _ = try DurableFiles.removeIfPresent(path)
            try DurableFiles.ensureSparseFile(at: path, size: Int64(gigabytes) * 1_000_000_000)
        }
        return path.string
    }

    /// `zones/<az>/instance-store/<instance-id>.raw`.
    func instanceStorePath(_ instance: InstanceRecord) -> FilePath {
        volumes.files.dataDirectory.zone(instance.zone).instanceStore.appending("\(instance.id).raw")
    }

    /// Erases the instance store (at stop and terminate, once the machine is gone).
    func eraseInstanceStore(_ id: String) async {
        let found = try? await database.readOrThrow { db in try InstanceRecord.fetchOne(db, key: id) }
        guard let instance = found ?? nil,
            instance.hasInstanceStoreRoot || (try? InstanceType.named(instance.instanceType).instanceStorageGB) != nil
        else { return }
        let path = instanceStorePath(instance)
        do {
            _ = try await volumes.fileWork(id, "erase the instance store") { () throws(FileSystemError) in
                try DurableFiles.removeIfPresent(path)
            }
        } catch {
            logger.error(
                "could not erase an instance store", metadata: ["iaas.instance.id": "\(id)", "iaas.error": "\(error)"])
        }
    }

    /// A port of the host's 127.0.0.1 for the guest's HTTP, recorded before the machine starts.
    private func assignLoopbackPort(_ id: String) async throws(CloudError) -> Int? {
        let port = Host.freeLoopbackPort()
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try InstanceRecord.filter(key: id).updateAll(db, Column("loopbackHttpPort").set(to: port))
            }
        }
        return port
    }

    /// Gives a starting instance a public address from the pool, unless it has one.
    private func assignPublicAddress(_ instance: InstanceRecord) async throws(CloudError) -> String? {
        if let address = instance.publicIp { return address }
        let network = self.network
        return try await database.writeOrThrow { db throws(CloudError) -> String? in
            let taken = try Self.publicAddressesInUse(db)
            let avoided = taken.union(instance.lastPublicIp.map { [$0] } ?? [])
            guard let address = network.freePublicAddress(taken: avoided) ?? network.freePublicAddress(taken: taken)
            else { return nil }
            try db.catching {
                try InstanceRecord.filter(key: instance.id).updateAll(
                    db, InstanceRecord.Columns.publicIp.set(to: address))
            }
            return address
        }
    }

    /// A boot that failed: the instance is `stopped`, with AWS's internal-error reason and the detail.
    private func fail(_ id: String, reason: String) async {
        logger.error("instance failed to boot", metadata: ["iaas.instance.id": "\(id)", "iaas.error": "\(reason)"])
        try? await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try InstanceRecord.filter(key: id).filter(InstanceRecord.Columns.state == "pending").updateAll(
                    db, InstanceRecord.Columns.state.set(to: InstanceState.stopped.rawValue),
                    InstanceRecord.Columns.publicIp.set(to: nil),
                    Column("stateReasonCode").set(to: "Server.InternalError"),
                    Column("stateReasonMessage").set(to: "Server.InternalError: the instance failed to boot: \(reason)")
                )
            }
        }
        await applyNetworkLater(instance: id)
    }
}
