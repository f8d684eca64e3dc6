/// `ec2.DeleteSnapshot`: its blocks are freed unless another snapshot holds the same data.
public struct DeleteSnapshotRequest: Codable, Sendable {
    public var snapshotId: String

    public init(snapshotId: String) {
        self.snapshotId = snapshotId
    }
}
