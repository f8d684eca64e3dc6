import Foundation

/// `ec2.ModifyVolume`: grow a volume, or change its type, IOPS or throughput, while it stays usable.
public struct ModifyVolumeRequest: Codable, Sendable {
    public var volumeId: String
    public var size: Int?
    public var volumeType: String?
    public var iops: Int?
    public var throughput: Int?
    public var multiAttachEnabled: Bool?

    public init(
        volumeId: String, size: Int? = nil, volumeType: String? = nil, iops: Int? = nil, throughput: Int? = nil,
        multiAttachEnabled: Bool? = nil
    ) {
        self.volumeId = volumeId
        self.size = size
        self.volumeType = volumeType
        self.iops = iops
        self.throughput = throughput
        self.multiAttachEnabled = multiAttachEnabled
    }
}

/// The state of a volume modification, as AWS's `VolumeModification`.
public struct VolumeModification: Codable, Sendable, Hashable {
    public var volumeId: String
    /// `modifying`, `optimizing`, `completed` or `failed`.
    public var modificationState: String
    public var targetSize: Int
    public var targetVolumeType: String
    public var targetIops: Int?
    public var targetThroughput: Int?
    public var originalSize: Int
    public var originalVolumeType: String
    public var originalIops: Int?
    public var originalThroughput: Int?
    public var progress: Int
    public var startTime: Date
    public var endTime: Date?

    public init(
        volumeId: String, modificationState: String, targetSize: Int, targetVolumeType: String, targetIops: Int?,
        targetThroughput: Int?, originalSize: Int, originalVolumeType: String, originalIops: Int?,
        originalThroughput: Int?, progress: Int, startTime: Date, endTime: Date?
    ) {
        self.volumeId = volumeId
        self.modificationState = modificationState
        self.targetSize = targetSize
        self.targetVolumeType = targetVolumeType
        self.targetIops = targetIops
        self.targetThroughput = targetThroughput
        self.originalSize = originalSize
        self.originalVolumeType = originalVolumeType
        self.originalIops = originalIops
        self.originalThroughput = originalThroughput
        self.progress = progress
        self.startTime = startTime
        self.endTime = endTime
    }
}

public struct ModifyVolumeResult: Codable, Sendable {
    public var volumeModification: VolumeModification

    public init(volumeModification: VolumeModification) {
        self.volumeModification = volumeModification
    }
}

/// `ec2.DescribeVolumesModifications`: the most recent modification of each volume. It selects volumes as
/// `DescribeVolumes` does.
public typealias DescribeVolumesModificationsRequest = DescribeVolumesRequest

public struct DescribeVolumesModificationsResult: Codable, Sendable {
    public var volumesModifications: [VolumeModification]
    public var nextToken: String?

    public init(volumesModifications: [VolumeModification], nextToken: String?) {
        self.volumesModifications = volumesModifications
        self.nextToken = nextToken
    }
}
