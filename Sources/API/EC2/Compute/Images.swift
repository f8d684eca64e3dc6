import Foundation

/// `ec2.DescribeImages`: by id, owner (`self`, `amazon`, an account id) and filters (`name`, `image-id`,
/// `state`, `owner-id`, `architecture`).
public struct DescribeImagesRequest: Codable, Sendable {
    public var imageIds: [String]?
    public var owners: [String]?
    public var filters: [Filter]?

    public init(imageIds: [String]? = nil, owners: [String]? = nil, filters: [Filter]? = nil) {
        self.imageIds = imageIds
        self.owners = owners
        self.filters = filters
    }
}

public struct DescribeImagesResult: Codable, Sendable {
    public var images: [Image]

    public init(images: [Image]) {
        self.images = images
    }
}

/// An AMI.
public struct Image: Codable, Sendable, Hashable {
    public var imageId: String
    public var name: String
    public var description: String
    public var ownerId: String
    public var imageOwnerAlias: String?
    public var state: String
    public var architecture: String
    public var imageType: String
    public var rootDeviceType: String
    /// The root device of a machine image; none for a kernel or ramdisk image.
    public var rootDeviceName: String?
    public var virtualizationType: String
    public var hypervisor: String
    public var `public`: Bool
    public var creationDate: Date
    public var blockDeviceMappings: [ImageBlockDeviceMapping]
    /// The kernel (`aki-`) and ramdisk (`ari-`) images a machine image boots, when not the default AMI's.
    public var kernelId: String?
    public var ramdiskId: String?
    /// Where a kernel or ramdisk image was read from: `bucket/key`.
    public var imageLocation: String?

    public init(
        imageId: String, name: String, description: String, ownerId: String, imageOwnerAlias: String?, state: String,
        public: Bool, creationDate: Date, rootSizeGiB: Int, rootSnapshotId: String? = nil,
        imageType: String = "machine",
        kernelId: String? = nil, ramdiskId: String? = nil, imageLocation: String? = nil,
        architecture: String = "x86_64", rootDeviceType: String = "ebs"
    ) {
        self.imageId = imageId
        self.name = name
        self.description = description
        self.ownerId = ownerId
        self.imageOwnerAlias = imageOwnerAlias
        self.state = state
        self.architecture = architecture
        self.imageType = imageType
        virtualizationType = "hvm"
        hypervisor = "xen"
        self.public = `public`
        self.creationDate = creationDate
        self.kernelId = kernelId
        self.ramdiskId = ramdiskId
        self.imageLocation = imageLocation
        guard imageType == "machine" else {
            // A kernel or ramdisk is no disk: AWS shows such images as instance-store, with no mappings.
            self.rootDeviceType = "instance-store"
            blockDeviceMappings = []
            return
        }
        guard rootDeviceType == "ebs" else {
            // An instance-store-backed AMI: its root is the instance's store, made from the image.
            self.rootDeviceType = rootDeviceType
            rootDeviceName = "/dev/sda1"
            blockDeviceMappings = []
            return
        }
        self.rootDeviceType = "ebs"
        rootDeviceName = "/dev/xvda"
        blockDeviceMappings = [
            ImageBlockDeviceMapping(
                deviceName: "/dev/xvda",
                ebs: ImageEbs(
                    volumeSize: rootSizeGiB, volumeType: "gp3", deleteOnTermination: true, snapshotId: rootSnapshotId))
        ]
    }

}

public struct ImageBlockDeviceMapping: Codable, Sendable, Hashable {
    public var deviceName: String
    public var ebs: ImageEbs

    public init(deviceName: String, ebs: ImageEbs) {
        self.deviceName = deviceName
        self.ebs = ebs
    }
}

public struct ImageEbs: Codable, Sendable, Hashable {
    public var volumeSize: Int
    public var volumeType: String
    public var deleteOnTermination: Bool
    /// The snapshot the root volume is restored from (images made by CreateImage or RegisterImage).
    public var snapshotId: String?

    public init(volumeSize: Int, volumeType: String, deleteOnTermination: Bool, snapshotId: String? = nil) {
        self.volumeSize = volumeSize
        self.volumeType = volumeType
        self.deleteOnTermination = deleteOnTermination
        self.snapshotId = snapshotId
    }
}

/// `ec2.DescribeInstanceTypes`.
public struct DescribeInstanceTypesRequest: Codable, Sendable {
    public var instanceTypes: [String]?

    public init(instanceTypes: [String]? = nil) {
        self.instanceTypes = instanceTypes
    }
}

public struct DescribeInstanceTypesResult: Codable, Sendable {
    public var instanceTypes: [InstanceTypeInfo]

    public init(instanceTypes: [InstanceTypeInfo]) {
        self.instanceTypes = instanceTypes
    }
}

public struct InstanceTypeInfo: Codable, Sendable, Hashable {
    public var instanceType: String
    public var vCpuInfo: VCpuInfo
    public var memoryInfo: MemoryInfo
    public var instanceStorageSupported: Bool
    public var instanceStorageInfo: InstanceStorageInfo?
    public var hypervisor: String
    public var processorInfo: ProcessorInfo
    /// Not AWS's: the memory the guest really gets on this host (AWS's, divided by the host's factor).
    public var guestMemoryInMiB: Int

    public init(
        instanceType: String, vCpus: Int, memoryMiB: Int, instanceStorageGB: Int?, hypervisor: String,
        guestMemoryInMiB: Int, architecture: String = "x86_64"
    ) {
        self.instanceType = instanceType
        processorInfo = ProcessorInfo(supportedArchitectures: [architecture])
        vCpuInfo = VCpuInfo(defaultVCpus: vCpus)
        memoryInfo = MemoryInfo(sizeInMiB: memoryMiB)
        instanceStorageSupported = instanceStorageGB != nil
        instanceStorageInfo = instanceStorageGB.map { InstanceStorageInfo(totalSizeInGB: $0) }
        self.hypervisor = hypervisor
        self.guestMemoryInMiB = guestMemoryInMiB
    }
}

public struct VCpuInfo: Codable, Sendable, Hashable {
    public var defaultVCpus: Int
}

public struct ProcessorInfo: Codable, Sendable, Hashable {
    public var supportedArchitectures: [String]
}

public struct MemoryInfo: Codable, Sendable, Hashable {
    public var sizeInMiB: Int
}

public struct InstanceStorageInfo: Codable, Sendable, Hashable {
    public var totalSizeInGB: Int
}
