import API
import Crypto
import Foundation
import GRDB
import Store

/// The AMIs: the built-in default (the image `guests/default/build.sh` made, found in `directory`) and,
/// later, registered ones. The built-in image has a fixed id, so instances keep booting it after the image
/// is rebuilt.
public struct ImageCatalog: Sendable {
    /// Where the default AMI's files are (`vmlinux`, `initrd.img`, `root.raw`); nil: no built-in image.
    public let directory: String?
    public static let defaultImageId =
        "ami-"
        + SHA256.hash(data: Data("iaas-default".utf8))
        .map { String(format: "%02x", $0) }.joined().prefix(17)
    public static let defaultImageName = "iaas-default-busybox-x86_64"
    /// Where the classic engine's guests are (`guests/classic/build.sh`'s output: `os.elf`, `os-root.raw`);
    /// nil: no built-in riscv32 image.
    public let classicDirectory: String?
    public static let classicImageId =
        "ami-"
        + SHA256.hash(data: Data("iaas-classic".utf8))
        .map { String(format: "%02x", $0) }.joined().prefix(17)
    public static let classicImageName = "iaas-classic-os-riscv32"
    public static let classicInstanceStoreImageId =
        "ami-"
        + SHA256.hash(data: Data("iaas-classic-instance-store".utf8))
        .map { String(format: "%02x", $0) }.joined().prefix(17)
    /// AWS's owner id of Amazon's own images.
    static let amazonOwner = "137112412989"

    public init(directory: String?, classicDirectory: String? = nil) {
        self.directory = directory
        self.classicDirectory = classicDirectory
    }

    /// Records the built-in image (its files' paths and size) if its files are there.
    public func registerBuiltIn(in database: StoreDatabase) async throws {
        guard let directory else { return }
        let files = ["vmlinux", "initrd.img", "root.raw"].map { directory + "/" + $0 }
        guard files.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else { return }
        let rootBytes = (try? FileManager.default.attributesOfItem(atPath: files[2])[.size] as? Int) ?? 0
        let kernel =
            (try? String(contentsOfFile: directory + "/kernel-version", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        let record = ImageRecord(
            id: Self.defaultImageId, name: Self.defaultImageName,
            description:
                "iaas default AMI: Debian's cloud kernel \(kernel) and busybox; DHCP, a hostname, HTTP on port 80",
            ownerId: Self.amazonOwner, state: "available", kernelPath: files[0], initrdPath: files[1],
            rootDiskPath: files[2], rootSizeGiB: max(8, (rootBytes + (1 << 30) - 1) >> 30),
            creationDate: Date(timeIntervalSince1970: 1_796_083_200), builtIn: true)
        try await database.write { db in try record.save(db) }
    }

    /// Records the built-in riscv32 images, which the classic engine boots, if their files are there: one
    /// EBS-backed (its root a volume made from the image's disk), one instance-store-backed (its root the
    /// instance's store, starting as that disk: nothing to make at launch, so thousands start at once).
    public func registerClassic(in database: StoreDatabase) async throws {
        guard let classicDirectory else { return }
        let files = ["os.elf", "os-root.raw"].map { classicDirectory + "/" + $0 }
        guard files.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else { return }
        let description =
            "iaas classic os for the built-in classic VMM (riscv32, r32 instance types): a banner, its hostname and address, then idle"
        var records: [ImageRecord] = []
        for (id, name, rootDeviceType) in [
            (Self.classicImageId, Self.classicImageName, "ebs"),
            (Self.classicInstanceStoreImageId, Self.classicImageName + "-instance-store", "instance-store"),
        ] {
            var record = ImageRecord(
                id: id, name: name, description: description, ownerId: Self.amazonOwner, state: "available",
                kernelPath: files[0], initrdPath: nil, rootDiskPath: files[1], rootSizeGiB: 1,
                creationDate: Date(timeIntervalSince1970: 1_796_083_200), builtIn: true)
            record.architecture = "riscv32"
            record.rootDeviceType = rootDeviceType
            records.append(record)
        }
        try await database.write { [records] db in for record in records { try record.save(db) } }
    }

    /// An image a launch in `region` can use: `available` (a snapshot-backed one once its snapshot is
    /// completed) and, for a snapshot-backed one, of that region (`InvalidAMIID.NotFound` otherwise, as
    /// AMIs are regional).
    static func image(_ id: String, region: String?, in db: Database) throws(CloudError) -> ImageRecord {
        guard ResourceID.isWellFormed(id, prefix: "ami") else { throw ComputeErrors.malformedImageID(id) }
        guard let image = try db.catching({ try ImageRecord.fetchOne(db, key: id) }) else {
            throw ComputeErrors.imageNotFound(id)
        }
        let snapshot = try db.catching { try image.rootSnapshotId.flatMap { try SnapshotRecord.fetchOne(db, key: $0) } }
        if let snapshot, snapshot.region != region { throw ComputeErrors.imageNotFound(id) }
        let state = state(of: image, snapshot: snapshot?.state)
        guard state == "available" else {
            throw CloudError(
                code: "InvalidAMIID.Unavailable",
                message: "The image \(id) is \(state); only an available one can be launched.")
        }
        return image
    }

    /// An image's state: a snapshot-backed one's follows its snapshot.
    static func state(of record: ImageRecord, snapshot: SnapshotState?) -> String {
        guard record.rootSnapshotId != nil else { return record.state }
        switch snapshot {
        case .pending: return "pending"
        case .completed: return record.state
        case .error, nil: return "failed"
        }
    }

    static func image(_ record: ImageRecord, account: String, snapshot: SnapshotState? = nil) -> Image {
        Image(
            imageId: record.id, name: record.name, description: record.description,
            ownerId: record.builtIn ? amazonOwner : account, imageOwnerAlias: record.builtIn ? "amazon" : nil,
            state: state(of: record, snapshot: snapshot), public: record.builtIn, creationDate: record.creationDate,
            rootSizeGiB: record.rootSizeGiB, rootSnapshotId: record.rootSnapshotId, imageType: record.imageType,
            kernelId: record.kernelId, ramdiskId: record.ramdiskId, imageLocation: record.imageLocation,
            architecture: record.architecture, rootDeviceType: record.rootDeviceType)
    }
}
