/// `ec2.CopySnapshot`: a new snapshot with the data of `SourceSnapshotId` of `SourceRegion`, in
/// `DestinationRegion` (AWS takes it from the endpoint called; here it defaults to the source's region).
public struct CopySnapshotRequest: Codable, Sendable {
    public var sourceRegion: String
    public var sourceSnapshotId: String
    public var destinationRegion: String?
    public var description: String?
    public var tagSpecifications: [TagSpecification]?
    /// Taken and not needed: AWS SDKs sign a request to the source region and send it along with every
    /// cross-region copy, but this cloud's regions share one store, so the copy reads the source directly.
    public var presignedUrl: String?

    public init(
        sourceRegion: String, sourceSnapshotId: String, destinationRegion: String? = nil, description: String? = nil,
        tagSpecifications: [TagSpecification]? = nil, presignedUrl: String? = nil
    ) {
        self.sourceRegion = sourceRegion
        self.sourceSnapshotId = sourceSnapshotId
        self.destinationRegion = destinationRegion
        self.description = description
        self.tagSpecifications = tagSpecifications
        self.presignedUrl = presignedUrl
    }
}

public struct CopySnapshotResult: Codable, Sendable {
    public var snapshotId: String

    public init(snapshotId: String) {
        self.snapshotId = snapshotId
    }
}
