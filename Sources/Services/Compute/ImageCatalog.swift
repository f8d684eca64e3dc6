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
    /// AWS's owner id of Amazon's own images.
    static let amazonOwner = "137112412989"

    public init(directory: String?) {
        self.directory = directory
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

    static func image(_ id: String, in db: Database) throws(CloudError) -> ImageRecord {
        guard ResourceID.isWellFormed(id, prefix: "ami") else { throw ComputeErrors.malformedImageID(id) }
        guard let image = try db.catching({ try ImageRecord.fetchOne(db, key: id) }), image.state == "available"
        else { throw ComputeErrors.imageNotFound(id) }
        return image
    }

    static func image(_ record: ImageRecord, account: String) -> Image {
        Image(
            imageId: record.id, name: record.name, description: record.description,
            ownerId: record.builtIn ? amazonOwner : account, imageOwnerAlias: record.builtIn ? "amazon" : nil,
            state: record.state, public: record.builtIn, creationDate: record.creationDate,
            rootSizeGiB: record.rootSizeGiB)
    }
}
