import Foundation
import GRDB

/// A row of the `image` table: an AMI, the files it boots from.
public struct ImageRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "image"

    public var id: String
    public var name: String
    public var description: String
    /// `amazon` for the built-in images, the account id for registered ones.
    public var ownerId: String
    public var state: String
    public var kernelPath: String
    public var initrdPath: String?
    /// The root disk a new instance's root volume starts as (empty for an image backed by a snapshot).
    public var rootDiskPath: String
    /// The snapshot a new instance's root volume is restored from, for an image made by CreateImage or
    /// RegisterImage.
    public var rootSnapshotId: String?
    /// The root volume's size, GiB (at least the disk's).
    public var rootSizeGiB: Int
    public var creationDate: Date
    public var builtIn: Bool
    /// AWS's `ImageType`: `machine`, or `kernel` (an `aki-`) or `ramdisk` (an `ari-`) registered from S3.
    public var imageType: String = "machine"
    /// Where a kernel or ramdisk image was read from: `bucket/key`.
    public var imageLocation: String?
    /// The kernel and ramdisk images a machine image boots, when not the default AMI's.
    public var kernelId: String?
    public var ramdiskId: String?
    /// `x86_64`, or `riscv32` for the classic engine's images.
    public var architecture: String = "x86_64"
    /// `ebs`, or `instance-store`: the root is an instance store that starts as `rootDiskPath`.
    public var rootDeviceType: String = "ebs"

    public init(
        id: String, name: String, description: String, ownerId: String, state: String, kernelPath: String,
        initrdPath: String?, rootDiskPath: String, rootSnapshotId: String? = nil, rootSizeGiB: Int,
        creationDate: Date, builtIn: Bool
    ) {
        self.rootSnapshotId = rootSnapshotId
        self.id = id
        self.name = name
        self.description = description
        self.ownerId = ownerId
        self.state = state
        self.kernelPath = kernelPath
        self.initrdPath = initrdPath
        self.rootDiskPath = rootDiskPath
        self.rootSizeGiB = rootSizeGiB
        self.creationDate = creationDate
        self.builtIn = builtIn
    }
}
