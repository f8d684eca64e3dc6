/// `ec2.DescribeRegions`.
public struct DescribeRegionsRequest: Codable, Sendable {
    public var regionNames: [String]?
    public var filters: [Filter]?

    public init(regionNames: [String]? = nil, filters: [Filter]? = nil) {
        self.regionNames = regionNames
        self.filters = filters
    }
}

public struct RegionDescription: Codable, Sendable, Hashable {
    public var regionName: String
    public var endpoint: String
    public var optInStatus: String

    public init(regionName: String, endpoint: String, optInStatus: String) {
        self.regionName = regionName
        self.endpoint = endpoint
        self.optInStatus = optInStatus
    }
}

public struct DescribeRegionsResult: Codable, Sendable {
    public var regions: [RegionDescription]

    public init(regions: [RegionDescription]) {
        self.regions = regions
    }
}

/// `ec2.DescribeAvailabilityZones`.
public struct DescribeAvailabilityZonesRequest: Codable, Sendable {
    public var zoneNames: [String]?
    public var zoneIds: [String]?
    public var filters: [Filter]?

    public init(zoneNames: [String]? = nil, zoneIds: [String]? = nil, filters: [Filter]? = nil) {
        self.zoneNames = zoneNames
        self.zoneIds = zoneIds
        self.filters = filters
    }
}

public struct AvailabilityZoneDescription: Codable, Sendable, Hashable {
    public var zoneName: String
    public var zoneId: String
    public var regionName: String
    public var state: String
    public var zoneType: String
    public var groupName: String
    public var networkBorderGroup: String

    public init(zoneName: String, zoneId: String, regionName: String, state: String) {
        self.zoneName = zoneName
        self.zoneId = zoneId
        self.regionName = regionName
        self.state = state
        self.zoneType = "availability-zone"
        self.groupName = regionName
        self.networkBorderGroup = regionName
    }
}

public struct DescribeAvailabilityZonesResult: Codable, Sendable {
    public var availabilityZones: [AvailabilityZoneDescription]

    public init(availabilityZones: [AvailabilityZoneDescription]) {
        self.availabilityZones = availabilityZones
    }
}
