import API
import GRDB

/// The volumes a launch makes, from RunInstances' `BlockDeviceMappings`: the root volume from the image
/// (its size, type and DeleteOnTermination as the root device's mapping says) and a volume for every other
/// EBS mapping, new and empty or restored from its `SnapshotId`, each validated as CreateVolume validates
/// a volume.
struct LaunchBlockDevices: Sendable {
    struct Device: Sendable {
        var name: String
        var spec: VolumeSpec
        var deleteOnTermination: Bool
        /// The snapshot the volume is restored from.
        var snapshotId: String? = nil
        /// The mapping, for a size that depends on the snapshot (`resolved`).
        var ebs: EbsBlockDevice? = nil

        /// The device with its snapshot checked (completed, in the zone's region) and its size settled: the
        /// mapping's, or the snapshot's volume size when none is given, never less.
        func resolved(zone: String, catalog: RegionCatalog, in db: Database) throws(CloudError) -> Device {
            guard let snapshotId, let ebs else { return self }
            let snapshot = try VolumeService.completedSnapshot(snapshotId, in: db)
            guard snapshot.region == catalog.region(ofZone: zone) else { throw SnapshotErrors.notFound(snapshotId) }
            let size = ebs.volumeSize ?? snapshot.volumeSizeGiB
            guard size >= snapshot.volumeSizeGiB else {
                throw LaunchBlockDevices.invalid(
                    "Volume of size \(size)GiB for '\(name)' is smaller than snapshot '\(snapshotId)'; expect size >= \(snapshot.volumeSizeGiB)GiB."
                )
            }
            var device = self
            device.spec = try LaunchBlockDevices.spec(ebs, size: size, zone: zone, catalog: catalog)
            return device
        }
    }

    /// The root device's `Ebs`, if a mapping names it.
    private let root: EbsBlockDevice?
    private let zone: String
    private let catalog: RegionCatalog
    /// The volumes besides the root, in the order given.
    let extras: [Device]

    /// - Parameter slots: the disks an instance can have besides its root.
    init(_ mappings: [BlockDeviceMapping]?, zone: String, catalog: RegionCatalog, slots: Int) throws(CloudError) {
        var seen: Set<String> = []
        var root: EbsBlockDevice?
        var extras: [Device] = []
        for mapping in mappings ?? [] {
            let name = mapping.deviceName
            guard seen.insert(name).inserted else {
                throw Self.invalid("The device '\(name)' is used in more than one block device mapping.")
            }
            let isRoot = name == InstanceService.rootDevice
            if !isRoot { try InstanceService.validateDevice(name) }
            let given = [mapping.ebs != nil, mapping.virtualName != nil, mapping.noDevice != nil].filter { $0 }.count
            guard given == 1 else {
                throw Self.invalid("The mapping of '\(name)' needs exactly one of Ebs, VirtualName and NoDevice.")
            }
            if let virtualName = mapping.virtualName {
                // NVMe instance store is always present on the types that have it; the name only has to be
                // well-formed, as in AWS.
                guard virtualName.hasPrefix("ephemeral"), let index = Int(virtualName.dropFirst(9)),
                    (0...23).contains(index)
                else {
                    throw Self.invalid("Virtual name '\(virtualName)' of '\(name)' is not ephemeral0 to ephemeral23.")
                }
                guard !isRoot else { throw Self.invalid("The root device '\(name)' must be an EBS volume.") }
                continue
            }
            guard let ebs = mapping.ebs else {
                guard !isRoot else { throw Self.invalid("The root device '\(name)' cannot be suppressed (NoDevice).") }
                continue  // NoDevice suppresses a mapping of the image; the images here map only the root.
            }
            if isRoot {
                guard ebs.snapshotId == nil else {
                    throw Self.invalid("The root device '\(name)' is restored from the image; it takes no SnapshotId.")
                }
                root = ebs
                continue
            }
            guard ebs.volumeSize != nil || ebs.snapshotId != nil else {
                throw Self.invalid("The EBS mapping of '\(name)' needs a VolumeSize (or a SnapshotId).")
            }
            if let snapshotId = ebs.snapshotId { try SnapshotErrors.requireWellFormed(snapshotId) }
            // With a snapshot and no size, the size is the snapshot's: settled in the launch's transaction.
            let spec = try Self.spec(ebs, size: ebs.volumeSize ?? 1, zone: zone, catalog: catalog)
            extras.append(
                Device(
                    name: name, spec: spec, deleteOnTermination: ebs.deleteOnTermination ?? true,
                    snapshotId: ebs.snapshotId, ebs: ebs))
        }
        guard extras.count <= slots else {
            throw CloudError(
                code: "AttachmentLimitExceeded",
                message:
                    "\(extras.count) volumes besides the root were mapped; an instance of this type takes \(slots).")
        }
        self.root = root
        self.zone = zone
        self.extras = extras
        self.catalog = catalog
    }

    /// The root volume for an image whose root disk is `imageSizeGiB`: that size unless the mapping asks for
    /// more (never less), gp3 unless it asks for another type, deleted on termination unless it says not.
    func rootDevice(imageSizeGiB: Int) throws(CloudError) -> Device {
        let size = root?.volumeSize ?? imageSizeGiB
        guard size >= imageSizeGiB else {
            throw Self.invalid(
                "Volume of size \(size)GiB is smaller than the image's root disk; expect size >= \(imageSizeGiB)GiB.")
        }
        let spec = try Self.spec(root ?? EbsBlockDevice(), size: size, zone: zone, catalog: catalog)
        return Device(
            name: InstanceService.rootDevice, spec: spec, deleteOnTermination: root?.deleteOnTermination ?? true)
    }

    static func spec(_ ebs: EbsBlockDevice, size: Int?, zone: String, catalog: RegionCatalog)
        throws(CloudError) -> VolumeSpec
    {
        try VolumeService.validate(
            CreateVolumeRequest(
                availabilityZone: zone, size: size, volumeType: ebs.volumeType, iops: ebs.iops,
                throughput: ebs.throughput, encrypted: ebs.encrypted),
            catalog: catalog)
    }

    static func invalid(_ message: String) -> CloudError {
        CloudError(code: "InvalidBlockDeviceMapping", message: message)
    }
}
