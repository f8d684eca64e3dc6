/// `ec2.DescribeSnapshots`, filtered by `snapshot-id`, `volume-id`, `status`, `owner-id`, `description`,
/// `volume-size`, `progress`, `start-time`, `tag:KEY` and `tag-key`.
public struct DescribeSnapshotsRequest: Codable, Sendable {
    public var snapshotIds: [String]?
    /// `self` or account ids: every snapshot here is the account's own.
    public var ownerIds: [String]?
    public var filters: [Filter]?
    public var maxResults: Int?
    public var nextToken: String?

    public init(
        snapshotIds: [String]? = nil, ownerIds: [String]? = nil, filters: [Filter]? = nil, maxResults: Int? = nil,
        nextToken: String? = nil
    ) {
        self.snapshotIds = snapshotIds
        self.ownerIds = ownerIds
        self.filters = filters
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct DescribeSnapshotsResult: Codable, Sendable {
    public var snapshots: [Snapshot]
    public var nextToken: String?

    public init(snapshots: [Snapshot], nextToken: String?) {
        self.snapshots = snapshots
        self.nextToken = nextToken
    }
}
