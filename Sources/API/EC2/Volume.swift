import Foundation

/// An EBS volume as `DescribeVolumes` shows it.
public struct Volume: Codable, Sendable, Hashable {
    public var volumeId: String
    public var size: Int
    public var availabilityZone: String
    public var state: String
    public var volumeType: String
    public var iops: Int?
    public var throughput: Int?
    public var createTime: Date
    public var encrypted: Bool
    public var multiAttachEnabled: Bool
    public var snapshotId: String?
    public var attachments: [VolumeAttachment]
    public var tags: [Tag]?

    public init(
        volumeId: String, size: Int, availabilityZone: String, state: String, volumeType: String, iops: Int?,
        throughput: Int?, createTime: Date, encrypted: Bool, multiAttachEnabled: Bool, snapshotId: String?,
        attachments: [VolumeAttachment], tags: [Tag]?
    ) {
        self.volumeId = volumeId
        self.size = size
        self.availabilityZone = availabilityZone
        self.state = state
        self.volumeType = volumeType
        self.iops = iops
        self.throughput = throughput
        self.createTime = createTime
        self.encrypted = encrypted
        self.multiAttachEnabled = multiAttachEnabled
        self.snapshotId = snapshotId
        self.attachments = attachments
        self.tags = tags
    }
}

/// An attachment of a volume to an instance.
public struct VolumeAttachment: Codable, Sendable, Hashable {
    public var volumeId: String
    public var instanceId: String
    public var device: String
    public var state: String
    public var attachTime: Date
    public var deleteOnTermination: Bool

    public init(
        volumeId: String, instanceId: String, device: String, state: String, attachTime: Date, deleteOnTermination: Bool
    ) {
        self.volumeId = volumeId
        self.instanceId = instanceId
        self.device = device
        self.state = state
        self.attachTime = attachTime
        self.deleteOnTermination = deleteOnTermination
    }
}
