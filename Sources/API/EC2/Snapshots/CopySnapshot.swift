/// `ec2.CopySnapshot`: a new snapshot with the data of `SourceSnapshotId` of `SourceRegion`, in
/// `DestinationRegion` (AWS takes it from the endpoint called; here it defaults to the source's region).
public struct CopySnapshotRequest: Codable, Sendable {
    public var sourceRegion: String
    public var sourceSnapshotId: String
    public var destinationRegion: String?
    public var description: String?
    public var tagSpecifications: [TagSpecification]?

    public init(
        sourceRegion: String, sourceSnapshotId: String, destinationRegion: String? = nil, description: String? = nil,
        tagSpecifications: [TagSpecification]? = nil
    ) {
        self.sourceRegion = sourceRegion
        self.sourceSnapshotId = sourceSnapshotId
        self.destinationRegion = destinationRegion
        self.description = description
        self.tagSpecifications = tagSpecifications
    }
}

public struct CopySnapshotResult: Codable, Sendable {
    public var snapshotId: String

    public init(snapshotId: String) {
        self.snapshotId = snapshotId
    }
}
