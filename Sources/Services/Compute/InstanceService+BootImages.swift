import API
import Engine
import Foundation
import GRDB
import Store
import SystemPackage

/// Kernel (`aki-`) and ramdisk (`ari-`) images: a user's own kernel and initrd, uploaded to S3 and registered
/// with `RegisterImage`'s `ImageLocation`, then named by machine images as `KernelId` and `RamdiskId`.
///
/// Registration: (1) the object is copied to a temporary file under `images/` and fsynced; (2) its bytes say
/// what it is (`BootFileFormat`), which decides the image's type and id; (3) the file is renamed to
/// `images/<id>/kernel` (or `ramdisk`); (4) the row commits. A crash before (4) leaves a file no row names,
/// which the next start sweeps (as does every DeregisterImage).
extension InstanceService {
    static let imagePrefixes = ["ami", "aki", "ari"]
    /// The largest kernel or ramdisk read: far above any real one, far below what would fill a disk by mistake.
    static let maxBootFileBytes = 1 << 30

    var imageFiles: ImageFiles { ImageFiles(directory: volumes.files.dataDirectory.images) }

    func registerBootImage(
        _ request: RegisterImageRequest, location: String, description: String, tags: [Tag], objects: ObjectService
    ) async throws(CloudError) -> ImageIdResult {
        guard (request.blockDeviceMappings ?? []).isEmpty, request.rootDeviceName == nil, request.kernelId == nil,
            request.ramdiskId == nil
        else {
            throw .invalidParameterCombination(
                "ImageLocation registers a kernel or ramdisk image, which has no BlockDeviceMappings, RootDeviceName, KernelId or RamdiskId; register the machine image that boots it separately."
            )
        }
        let (bucket, key) = try Self.parseImageLocation(location)
        try await database.readOrThrow { db in try Self.requireUniqueImageName(request.name, in: db) }
        let source: PayloadSource
        do {
            source = try await objects.getObject(GetObjectRequest(bucket: bucket, key: key)).1
        } catch {
            throw Self.invalidManifest(location, "it cannot be read: \(error.message)")
        }
        guard (1...Self.maxBootFileBytes).contains(source.length) else {
            throw Self.invalidManifest(
                location, "it has \(source.length) bytes; a kernel or ramdisk has 1 byte to 1 GiB.")
        }
        let files = imageFiles
        let received: FilePath
        do {
            received = try await files.receive(source)
        } catch {
            throw .internalError("The object s3://\(bucket)/\(key) could not be copied for the image: \(error)")
        }
        let kind: (type: String, prefix: String, file: String)
        switch BootFileFormat.identify(received) {
        case .pvhKernel?: kind = ("kernel", "aki", "kernel")
        case .initramfs?: kind = ("ramdisk", "ari", "ramdisk")
        case let other:
            _ = try? DurableFiles.removeIfPresent(received)
            throw Self.invalidManifest(location, Self.unbootable(other))
        }
        let id = ResourceID.make(kind.prefix)
        let path: FilePath
        do {
            path = try files.install(received, imageId: id, kind: kind.file)
        } catch {
            _ = try? DurableFiles.removeIfPresent(received)
            throw .internalError("The \(kind.type) of \(id) could not be stored: \(error)")
        }
        await CrashPoint.reach("image.register.after-file")
        let account = account
        do {
            try await database.writeOrThrow { db throws(CloudError) in
                try Self.requireUniqueImageName(request.name, in: db)
                var image = ImageRecord(
                    id: id, name: request.name, description: description, ownerId: account, state: "available",
                    kernelPath: kind.type == "kernel" ? path.string : "",
                    initrdPath: kind.type == "ramdisk" ? path.string : nil, rootDiskPath: "", rootSizeGiB: 0,
                    creationDate: Date(), builtIn: false)
                image.imageType = kind.type
                image.imageLocation = "\(bucket)/\(key)"
                try db.catching { try image.insert(db) }
                try TagService.upsert(tags, on: image.id, type: "image", in: db)
            }
        } catch {
            await sweepImageFiles()
            throw error
        }
        logger.info(
            "image registered",
            metadata: [
                "iaas.image.id": "\(id)", "iaas.image.type": "\(kind.type)", "iaas.source": "s3://\(bucket)/\(key)",
                "iaas.size": "\(source.length)",
            ])
        return ImageIdResult(imageId: id)
    }

    /// The kernel and initrd a machine image boots: the kernel and ramdisk images named, or the default AMI's
    /// (a kernel of one's own comes without the default initrd, whose modules are the default kernel's).
    static func bootFiles(kernelId: String?, ramdiskId: String?, in db: Database) throws(CloudError) -> (
        kernel: String, initrd: String?
    ) {
        let kernel = try kernelId.map { id throws(CloudError) in
            try bootImage(id, type: "kernel", prefix: "aki", in: db)
        }
        let ramdisk = try ramdiskId.map { id throws(CloudError) in
            try bootImage(id, type: "ramdisk", prefix: "ari", in: db)
        }
        if let kernel { return (kernel.kernelPath, ramdisk?.initrdPath) }
        guard let standard = try db.catching({ try ImageRecord.fetchOne(db, key: ImageCatalog.defaultImageId) }) else {
            throw .invalidParameterValue(
                "This cloud has no default AMI to take a kernel from; give KernelId, or build it with `make image` and restart iaasd."
            )
        }
        return (standard.kernelPath, ramdisk?.initrdPath ?? standard.initrdPath)
    }

    /// A registered kernel or ramdisk image, by id.
    private static func bootImage(_ id: String, type: String, prefix: String, in db: Database) throws(CloudError)
        -> ImageRecord
    {
        guard ResourceID.isWellFormed(id, prefix: prefix) else {
            throw CloudError(
                code: "InvalidAMIID.Malformed",
                message: "Invalid id: \"\(id)\" (expecting \"\(prefix)-...\": the id of a \(type) image)")
        }
        guard let image = try db.catching({ try ImageRecord.fetchOne(db, key: id) }), image.imageType == type else {
            throw ComputeErrors.imageNotFound(id)
        }
        return image
    }

    /// Removes the files of kernel and ramdisk images that no image and no live instance boots any more.
    public func sweepImageFiles() async {
        let inUse = try? await database.read { db in
            let images = try Row.fetchAll(db, sql: "SELECT kernelPath, initrdPath FROM image")
            let instances = try Row.fetchAll(
                db, sql: "SELECT kernelPath, initrdPath FROM instance WHERE state != 'terminated'")
            return Set(
                (images + instances).flatMap { row in [row[0] as String?, row[1] as String?].compactMap { $0 } })
        }
        guard let inUse else { return }
        let files = imageFiles
        let removed = await BlockingIO.run { files.sweep(keeping: inUse) }
        if !removed.isEmpty {
            logger.info("image files removed", metadata: ["iaas.image.files": "\(removed.joined(separator: ","))"])
        }
    }

    /// `bucket/key`, as AWS writes an image's location, or `s3://bucket/key`.
    static func parseImageLocation(_ location: String) throws(CloudError) -> (bucket: String, key: String) {
        let path = location.hasPrefix("s3://") ? String(location.dropFirst(5)) : location
        guard let slash = path.firstIndex(of: "/"), slash != path.startIndex, path.index(after: slash) != path.endIndex
        else {
            throw Self.invalidManifest(location, "it is not of the form bucket/key.")
        }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    static func invalidManifest(_ location: String, _ reason: String) -> CloudError {
        CloudError(code: "InvalidManifest", message: "The image location \(location) is not usable: \(reason)")
    }

    private static func unbootable(_ format: BootFileFormat?) -> String {
        switch format {
        case .bzImage?:
            "it is a compressed kernel (bzImage). Register the uncompressed vmlinux inside it (the kernel's scripts/extract-vmlinux takes it out): instances boot an ELF kernel's PVH entry."
        case .elfWithoutPVH?:
            "it is an ELF file but not an x86-64 kernel with a PVH entry (CONFIG_PVH); instances boot an ELF kernel's PVH entry."
        default:
            "it is neither an x86-64 vmlinux with a PVH entry (a kernel) nor a cpio archive, bare or compressed (a ramdisk)."
        }
    }
}
