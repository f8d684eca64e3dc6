/// `ec2.CreateImage`: an AMI of an instance, its root volume snapshotted at one instant (the machine is
/// paused, never rebooted, so the image is crash-consistent, as AWS's with `NoReboot`).
public struct CreateImageRequest: Codable, Sendable {
    public var instanceId: String
    public var name: String
    public var description: String?
    /// Accepted for AWS's sake; the instance is never rebooted here.
    public var noReboot: Bool?
    public var tagSpecifications: [TagSpecification]?

    public init(
        instanceId: String, name: String, description: String? = nil, noReboot: Bool? = nil,
        tagSpecifications: [TagSpecification]? = nil
    ) {
        self.instanceId = instanceId
        self.name = name
        self.description = description
        self.noReboot = noReboot
        self.tagSpecifications = tagSpecifications
    }
}

/// `ec2.RegisterImage`, in one of two forms:
/// - a machine image (`ami-`) whose root device (`RootDeviceName`, `/dev/xvda`) is restored from the
///   `SnapshotId` of its block device mapping, booted with `KernelId` and `RamdiskId` (registered kernel and
///   ramdisk images) or else with the default AMI's kernel and initrd;
/// - a kernel (`aki-`) or ramdisk (`ari-`) image, read from the S3 object `ImageLocation` (`bucket/key`):
///   an uncompressed x86-64 `vmlinux` with a PVH entry, or an initramfs (cpio, bare or compressed).
public struct RegisterImageRequest: Codable, Sendable {
    public var name: String
    public var description: String?
    public var rootDeviceName: String?
    public var blockDeviceMappings: [BlockDeviceMapping]?
    public var architecture: String?
    public var virtualizationType: String?
    public var tagSpecifications: [TagSpecification]?
    public var kernelId: String?
    public var ramdiskId: String?
    public var imageLocation: String?

    public init(
        name: String, description: String? = nil, rootDeviceName: String? = nil,
        blockDeviceMappings: [BlockDeviceMapping]? = nil, architecture: String? = nil,
        virtualizationType: String? = nil, tagSpecifications: [TagSpecification]? = nil, kernelId: String? = nil,
        ramdiskId: String? = nil, imageLocation: String? = nil
    ) {
        self.name = name
        self.description = description
        self.rootDeviceName = rootDeviceName
        self.blockDeviceMappings = blockDeviceMappings
        self.architecture = architecture
        self.virtualizationType = virtualizationType
        self.tagSpecifications = tagSpecifications
        self.kernelId = kernelId
        self.ramdiskId = ramdiskId
        self.imageLocation = imageLocation
    }
}

/// What `CreateImage` and `RegisterImage` answer.
public struct ImageIdResult: Codable, Sendable {
    public var imageId: String

    public init(imageId: String) {
        self.imageId = imageId
    }
}

/// `ec2.DeregisterImage`: the AMI goes; its snapshots stay, as in AWS.
public struct DeregisterImageRequest: Codable, Sendable {
    public var imageId: String

    public init(imageId: String) {
        self.imageId = imageId
    }
}
