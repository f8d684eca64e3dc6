/// `ec2.CreateVolume`.
public struct CreateVolumeRequest: Codable, Sendable {
    public var availabilityZone: String
    public var size: Int?
    public var volumeType: String?
    public var iops: Int?
    public var throughput: Int?
    public var encrypted: Bool?
    public var multiAttachEnabled: Bool?
    public var snapshotId: String?
    public var tagSpecifications: [TagSpecification]?
    /// Makes the request idempotent: a retry with the same token returns the same volume.
    public var clientToken: String?

    public init(
        availabilityZone: String, size: Int? = nil, volumeType: String? = nil, iops: Int? = nil,
        throughput: Int? = nil, encrypted: Bool? = nil, multiAttachEnabled: Bool? = nil, snapshotId: String? = nil,
        tagSpecifications: [TagSpecification]? = nil, clientToken: String? = nil
    ) {
        self.availabilityZone = availabilityZone
        self.size = size
        self.volumeType = volumeType
        self.iops = iops
        self.throughput = throughput
        self.encrypted = encrypted
        self.multiAttachEnabled = multiAttachEnabled
        self.snapshotId = snapshotId
        self.tagSpecifications = tagSpecifications
        self.clientToken = clientToken
    }
}
