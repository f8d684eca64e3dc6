/// A block device of `RunInstances`: the root device's name (`/dev/xvda`) changes the root volume made
/// from the image (size, type, DeleteOnTermination); another name adds a new empty EBS volume.
/// `VirtualName` (instance store) and `NoDevice` are accepted as AWS does for NVMe instance store: the
/// instance store of a type that has one is always present.
public struct BlockDeviceMapping: Codable, Sendable, Hashable {
    public var deviceName: String
    public var ebs: EbsBlockDevice?
    public var virtualName: String?
    public var noDevice: String?

    public init(deviceName: String, ebs: EbsBlockDevice? = nil, virtualName: String? = nil, noDevice: String? = nil) {
        self.deviceName = deviceName
        self.ebs = ebs
        self.virtualName = virtualName
        self.noDevice = noDevice
    }
}

/// The EBS volume of a launch block device. DeleteOnTermination defaults to true, as in AWS.
public struct EbsBlockDevice: Codable, Sendable, Hashable {
    public var volumeSize: Int?
    public var volumeType: String?
    public var iops: Int?
    public var throughput: Int?
    public var deleteOnTermination: Bool?
    public var encrypted: Bool?
    public var snapshotId: String?

    public init(
        volumeSize: Int? = nil, volumeType: String? = nil, iops: Int? = nil, throughput: Int? = nil,
        deleteOnTermination: Bool? = nil, encrypted: Bool? = nil, snapshotId: String? = nil
    ) {
        self.volumeSize = volumeSize
        self.volumeType = volumeType
        self.iops = iops
        self.throughput = throughput
        self.deleteOnTermination = deleteOnTermination
        self.encrypted = encrypted
        self.snapshotId = snapshotId
    }
}
