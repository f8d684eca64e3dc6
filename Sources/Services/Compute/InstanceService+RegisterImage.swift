import API
import Foundation
import GRDB
import Store

/// Custom AMIs: `CreateImage` from an instance, `RegisterImage` from a snapshot, `DeregisterImage`. Such an
/// image's root is a snapshot (its `rootSnapshotId`); a launch restores the instance's root volume from it
/// and boots the kernel and initrd of the image it came from (the default AMI's, for a registered one).
/// Its state follows the snapshot's: `pending`, then `available`, or `failed`.
extension InstanceService {
    /// `ec2.CreateImage`: (1) the image row `pending`; (2) a snapshot of the instance's root volume, taken
    /// with the machine paused (`SnapshotService`); (3) the row names the snapshot. An image a crash left
    /// between (1) and (3) is marked `failed` at the next start (`failInterruptedImages`).
    public func createImage(_ request: CreateImageRequest, snapshots: SnapshotService) async throws(CloudError)
        -> ImageIdResult
    {
        try Self.validateImageName(request.name)
        let description = try SnapshotService.validDescription(request.description)
        let (imageTags, snapshotTags) = try TagRules.tags(
            of: request.tagSpecifications, for: "image", and: "snapshot")
        let account = account
        let tags = imageTags
        let (image, rootVolumeId) = try await database.writeOrThrow { db throws(CloudError) -> (ImageRecord, String) in
            let instance = try Self.fetch([request.instanceId], in: db)[0]
            guard [.running, .stopped].contains(instance.state) else {
                throw ComputeErrors.incorrectState(instance.id, instance.state.rawValue, action: "imaged")
            }
            try Self.requireUniqueImageName(request.name, in: db)
            guard !instance.hasInstanceStoreRoot else {
                throw CloudError(
                    code: "UnsupportedOperation",
                    message:
                        "The instance '\(instance.id)' has an instance-store root: CreateImage images EBS-backed instances only."
                )
            }
            guard let root = try db.catching({ try VolumeRecord.fetchOne(db, key: instance.rootVolumeId) }) else {
                throw .internalError("The instance \(instance.id)'s root volume is gone.")
            }
            let source = try db.catching { try ImageRecord.fetchOne(db, key: instance.imageId) }
            let boot = try Self.bootFiles(of: instance, image: source)
            var image = ImageRecord(
                id: ResourceID.make("ami"), name: request.name, description: description, ownerId: account,
                state: "pending", kernelPath: boot.kernel, initrdPath: boot.initrd, rootDiskPath: "",
                rootSizeGiB: root.sizeGiB, creationDate: Date(), builtIn: false)
            image.kernelId = source?.kernelId
            image.ramdiskId = source?.ramdiskId
            try db.catching { try image.insert(db) }
            try TagService.upsert(tags, on: image.id, type: "image", in: db)
            return (image, root.id)
        }
        do {
            let snapshot = try await snapshots.createSnapshot(
                CreateSnapshotRequest(
                    volumeId: rootVolumeId,
                    description: "Created by CreateImage(\(request.instanceId)) for \(image.id)",
                    tagSpecifications: snapshotTags.isEmpty
                        ? nil : [TagSpecification(resourceType: "snapshot", tags: snapshotTags)]))
            try await database.writeOrThrow { db throws(CloudError) in
                try db.catching {
                    try ImageRecord.filter(key: image.id).updateAll(
                        db, Column("rootSnapshotId").set(to: snapshot.snapshotId), Column("state").set(to: "available"))
                }
            }
        } catch {
            await markImageFailed(image.id)
            throw error
        }
        logger.info(
            "image created", metadata: ["iaas.image.id": "\(image.id)", "iaas.instance.id": "\(request.instanceId)"])
        return ImageIdResult(imageId: image.id)
    }

    /// `ec2.RegisterImage`: a kernel or ramdisk image read from S3 (`ImageLocation`), or a machine image of
    /// a completed snapshot, mapped as the root device, booting registered kernel and ramdisk images or the
    /// default AMI's.
    public func registerImage(_ request: RegisterImageRequest, objects: ObjectService) async throws(CloudError)
        -> ImageIdResult
    {
        try Self.validateImageName(request.name)
        let description = try SnapshotService.validDescription(request.description)
        let tags = try TagRules.tags(of: request.tagSpecifications, for: "image", allowsUntyped: false)
        guard request.architecture == nil || request.architecture == "x86_64" else {
            throw .invalidParameterValue("Architecture '\(request.architecture ?? "")' is not supported; use x86_64.")
        }
        guard request.virtualizationType == nil || request.virtualizationType == "hvm" else {
            throw .invalidParameterValue(
                "VirtualizationType '\(request.virtualizationType ?? "")' is not supported; use hvm.")
        }
        if let location = request.imageLocation {
            return try await registerBootImage(
                request, location: location, description: description, tags: tags, objects: objects)
        }
        let rootName = request.rootDeviceName ?? Self.rootDevice
        guard rootName == Self.rootDevice else {
            throw .invalidParameterValue("RootDeviceName must be \(Self.rootDevice).")
        }
        let mappings = request.blockDeviceMappings ?? []
        guard let root = mappings.first(where: { $0.deviceName == rootName })?.ebs, let snapshotId = root.snapshotId
        else {
            throw CloudError(
                code: "InvalidBlockDeviceMapping",
                message:
                    "The root device \(rootName) needs a block device mapping with Ebs.SnapshotId (or give ImageLocation to register a kernel or ramdisk)."
            )
        }
        guard mappings.count == 1 else {
            throw CloudError(
                code: "InvalidBlockDeviceMapping",
                message: "Only the root device can be mapped in an image here; attach other volumes at launch.")
        }
        let account = account
        let image = try await database.writeOrThrow { db throws(CloudError) -> ImageRecord in
            try Self.requireUniqueImageName(request.name, in: db)
            let snapshot = try VolumeService.completedSnapshot(snapshotId, in: db)
            let size = root.volumeSize ?? snapshot.volumeSizeGiB
            guard size >= snapshot.volumeSizeGiB else {
                throw CloudError(
                    code: "InvalidBlockDeviceMapping",
                    message:
                        "Volume of size \(size)GiB is smaller than snapshot '\(snapshotId)', expect size >= \(snapshot.volumeSizeGiB)GiB."
                )
            }
            let boot = try Self.bootFiles(kernelId: request.kernelId, ramdiskId: request.ramdiskId, in: db)
            var image = ImageRecord(
                id: ResourceID.make("ami"), name: request.name, description: description, ownerId: account,
                state: "available", kernelPath: boot.kernel, initrdPath: boot.initrd, rootDiskPath: "",
                rootSnapshotId: snapshot.id, rootSizeGiB: size, creationDate: Date(), builtIn: false)
            image.kernelId = request.kernelId
            image.ramdiskId = request.ramdiskId
            try db.catching { try image.insert(db) }
            try TagService.upsert(tags, on: image.id, type: "image", in: db)
            return image
        }
        logger.info(
            "image registered",
            metadata: [
                "iaas.image.id": "\(image.id)", "iaas.snapshot.id": "\(snapshotId)",
                "iaas.kernel.id": "\(request.kernelId ?? "default")",
                "iaas.ramdisk.id": "\(request.ramdiskId ?? "default")",
            ])
        return ImageIdResult(imageId: image.id)
    }

    /// `ec2.DeregisterImage`: the row and its tags go; instances launched from it and its snapshot stay,
    /// and so do a kernel's or ramdisk's file while an image or instance still boots it.
    public func deregisterImage(_ request: DeregisterImageRequest) async throws(CloudError) -> ReturnResult {
        try await database.writeOrThrow { db throws(CloudError) in
            guard Self.imagePrefixes.contains(where: { ResourceID.isWellFormed(request.imageId, prefix: $0) }) else {
                throw ComputeErrors.malformedImageID(request.imageId)
            }
            guard let image = try db.catching({ try ImageRecord.fetchOne(db, key: request.imageId) }) else {
                throw ComputeErrors.imageNotFound(request.imageId)
            }
            guard !image.builtIn else {
                throw CloudError(
                    code: "AuthFailure", message: "The image \(image.id) belongs to amazon, not to this account.")
            }
            try db.catching {
                _ = try ImageRecord.deleteOne(db, key: image.id)
                _ = try TagRecord.filter(TagRecord.Columns.resourceId == image.id).deleteAll(db)
            }
        }
        logger.info("image deregistered", metadata: ["iaas.image.id": "\(request.imageId)"])
        await sweepImageFiles()
        return ReturnResult()
    }

    /// Marks `failed` the images a crash left `pending` with no snapshot (between CreateImage's steps).
    public func failInterruptedImages() async throws {
        try await database.write { db in
            try ImageRecord.filter(Column("state") == "pending").filter(Column("rootSnapshotId") == nil)
                .updateAll(db, Column("state").set(to: "failed"))
        }
    }

    private func markImageFailed(_ id: String) async {
        _ = try? await database.writeOrThrow { db throws(CloudError) in
            try db.catching { try ImageRecord.filter(key: id).updateAll(db, Column("state").set(to: "failed")) }
        }
    }

    /// AMI names: 3 to 128 of letters, digits and `( ) [ ] space . / - ' @ _`, as in AWS.
    static func validateImageName(_ name: String) throws(CloudError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()[] ./-'@_")
        guard (3...128).contains(name.count), name.allSatisfy({ allowed.contains($0) }) else {
            throw CloudError(
                code: "InvalidAMIName.Malformed",
                message:
                    "AMI names must be 3 to 128 characters of letters, numbers, spaces and ( ) [ ] . / - ' @ _; '\(name.prefix(40))' is not."
            )
        }
    }

    static func requireUniqueImageName(_ name: String, in db: Database) throws(CloudError) {
        if let other = try db.catching({
            try String.fetchOne(db, sql: "SELECT id FROM image WHERE name = ? AND builtIn = 0", arguments: [name])
        }) {
            throw CloudError(
                code: "InvalidAMIName.Duplicate", message: "AMI name \(name) is already in use by AMI \(other).")
        }
    }
}
