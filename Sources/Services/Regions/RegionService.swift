import API

/// `ec2.DescribeRegions` and `ec2.DescribeAvailabilityZones`.
public struct RegionService: Sendable {
    public let catalog: RegionCatalog

    public init(catalog: RegionCatalog) {
        self.catalog = catalog
    }

    public func describeRegions(_ request: DescribeRegionsRequest) throws(CloudError) -> DescribeRegionsResult {
        let filters = try FilterSet(request.filters, supported: ["region-name", "endpoint", "opt-in-status"])
        for name in request.regionNames ?? [] where !catalog.regions.contains(where: { $0.regionName == name }) {
            throw CloudError(code: "InvalidParameterValue", message: "Invalid region: \(name)")
        }
        let regions = catalog.regions
            .filter { request.regionNames?.contains($0.regionName) ?? true }
            .map {
                RegionDescription(
                    regionName: $0.regionName, endpoint: "ec2.\($0.regionName).iaas.local",
                    optInStatus: "opt-in-not-required")
            }
            .filter { region in
                filters.matches { name in
                    switch name {
                    case "region-name": [region.regionName]
                    case "endpoint": [region.endpoint]
                    case "opt-in-status": [region.optInStatus]
                    default: nil
                    }
                }
            }
        return DescribeRegionsResult(regions: regions)
    }

    public func describeAvailabilityZones(
        _ request: DescribeAvailabilityZonesRequest
    ) throws(CloudError) -> DescribeAvailabilityZonesResult {
        let filters = try FilterSet(
            request.filters, supported: ["region-name", "zone-name", "zone-id", "state", "zone-type"]
        )
        for name in request.zoneNames ?? [] { _ = try catalog.requireZone(name) }
        for id in request.zoneIds ?? [] where !catalog.zones.contains(where: { $0.zone.zoneId == id }) {
            throw CloudError(code: "InvalidZone.NotFound", message: "The zone ID '\(id)' does not exist.")
        }
        let zones = catalog.zones
            .filter { request.zoneNames?.contains($0.zone.zoneName) ?? true }
            .filter { request.zoneIds?.contains($0.zone.zoneId) ?? true }
            .map {
                AvailabilityZoneDescription(
                    zoneName: $0.zone.zoneName, zoneId: $0.zone.zoneId, regionName: $0.region.regionName,
                    state: "available"
                )
            }
            .filter { zone in
                filters.matches { name in
                    switch name {
                    case "region-name": [zone.regionName]
                    case "zone-name": [zone.zoneName]
                    case "zone-id": [zone.zoneId]
                    case "state": [zone.state]
                    case "zone-type": [zone.zoneType]
                    default: nil
                    }
                }
            }
        return DescribeAvailabilityZonesResult(availabilityZones: zones)
    }
}
