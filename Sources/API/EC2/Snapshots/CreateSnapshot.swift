/// `ec2.CreateSnapshot`: a point-in-time copy of a volume, `pending` until its blocks are stored.
public struct CreateSnapshotRequest: Codable, Sendable {
    public var volumeId: String
    public var description: String?
    public var tagSpecifications: [TagSpecification]?

    public init(volumeId: String, description: String? = nil, tagSpecifications: [TagSpecification]? = nil) {
        self.volumeId = volumeId
        self.description = description
        self.tagSpecifications = tagSpecifications
    }
}
