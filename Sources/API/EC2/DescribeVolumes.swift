/// `ec2.DescribeVolumes` (and the selection of `DescribeVolumeStatus` and `DescribeVolumesModifications`),
/// filtered by `availability-zone`, `status`, `volume-type`, `volume-id`, `size`,
/// `tag:KEY` and `tag-key`.
public struct DescribeVolumesRequest: Codable, Sendable {
    public var volumeIds: [String]?
    public var filters: [Filter]?
    public var maxResults: Int?
    public var nextToken: String?

    public init(volumeIds: [String]? = nil, filters: [Filter]? = nil, maxResults: Int? = nil, nextToken: String? = nil)
    {
        self.volumeIds = volumeIds
        self.filters = filters
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct DescribeVolumesResult: Codable, Sendable {
    public var volumes: [Volume]
    public var nextToken: String?

    public init(volumes: [Volume], nextToken: String?) {
        self.volumes = volumes
        self.nextToken = nextToken
    }
}
