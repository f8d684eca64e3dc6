import API
import Foundation

/// The regions and availability zones this cloud serves, from configuration.
public struct RegionCatalog: Sendable, Hashable {
    public struct Region: Codable, Sendable, Hashable {
        public var regionName: String
        public var zones: [Zone]

        public init(regionName: String, zones: [Zone]) {
            self.regionName = regionName
            self.zones = zones
        }
    }

    public struct Zone: Codable, Sendable, Hashable {
        public var zoneName: String
        public var zoneId: String

        public init(zoneName: String, zoneId: String) {
            self.zoneName = zoneName
            self.zoneId = zoneId
        }
    }

    public let regions: [Region]

    public init(regions: [Region]) throws(CloudError) {
        var seen = Set<String>()
        for region in regions {
            guard !region.zones.isEmpty else {
                throw .invalidParameterValue("Region \(region.regionName) has no availability zones.")
            }
            for zone in region.zones {
                guard zone.zoneName.hasPrefix(region.regionName), Self.isSafeName(zone.zoneName) else {
                    throw .invalidParameterValue(
                        "Zone \(zone.zoneName) must be named after its region \(region.regionName) (e.g. \(region.regionName)a)."
                    )
                }
                guard seen.insert(zone.zoneName).inserted else {
                    throw .invalidParameterValue("Zone \(zone.zoneName) is configured twice.")
                }
            }
        }
        self.regions = regions
    }

    /// us-east-1 with us-east-1a, b and c.
    public static let standard = try! RegionCatalog(regions: [standardRegion("us-east-1", prefix: "use1")])

    static func standardRegion(_ name: String, prefix: String) -> Region {
        Region(
            regionName: name,
            zones: ["a", "b", "c"].enumerated().map { index, letter in
                Zone(zoneName: name + letter, zoneId: "\(prefix)-az\(index + 1)")
            }
        )
    }

    /// The default catalog plus the regions of a configuration file:
    /// `{"Regions": [{"RegionName": "eu-west-1", "Zones": [{"ZoneName": "eu-west-1a", "ZoneId": "euw1-az1"}]}]}`.
    public static func load(configFile: String?) throws -> RegionCatalog {
        guard let configFile else { return standard }
        struct ConfigFile: Codable { var regions: [Region] }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: configFile)))
        let config = try AWSCoding.decode(ConfigFile.self, fromJSON: bytes, strict: true)
        let extra = config.regions.filter { region in !standard.regions.contains { $0.regionName == region.regionName }
        }
        return try RegionCatalog(regions: standard.regions + extra)
    }

    public var zones: [(region: Region, zone: Zone)] {
        regions.flatMap { region in region.zones.map { (region, $0) } }
    }

    /// The name of the region a zone belongs to.
    public func region(ofZone name: String) -> String? {
        zones.first { $0.zone.zoneName == name }?.region.regionName
    }

    public func zone(named name: String) -> Zone? {
        zones.first { $0.zone.zoneName == name }?.zone
    }

    /// Throws `InvalidZone.NotFound` unless `name` is a configured zone.
    public func requireZone(_ name: String) throws(CloudError) -> Zone {
        guard let zone = zone(named: name) else {
            let known = zones.map(\.zone.zoneName).joined(separator: ", ")
            throw CloudError(
                code: "InvalidZone.NotFound",
                message: "The zone '\(name)' does not exist. Available zones: \(known)."
            )
        }
        return zone
    }

    private static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}
