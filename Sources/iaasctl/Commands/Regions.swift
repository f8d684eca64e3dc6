import API
import ArgumentParser

extension Iaasctl {
    struct DescribeRegions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the regions of this cloud.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these regions.")
        var regionNames: [String] = []

        @Option(parsing: .upToNextOption, help: "Name=NAME,Values=V1,V2 (region-name, endpoint, opt-in-status).")
        var filters: [String] = []

        func run() async throws {
            let request = DescribeRegionsRequest(
                regionNames: regionNames.isEmpty ? nil : regionNames,
                filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter))
            try await Invocation(options: global).run(Methods.describeRegions, request) { result in
                Table(headers: ["REGION", "ENDPOINT"], rows: result.regions.map { [$0.regionName, $0.endpoint] })
            }
        }
    }

    struct DescribeAvailabilityZones: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the availability zones.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these zones.")
        var zoneNames: [String] = []

        @Option(parsing: .upToNextOption, help: "Name=NAME,Values=V1,V2 (region-name, zone-name, zone-id, state).")
        var filters: [String] = []

        func run() async throws {
            let request = DescribeAvailabilityZonesRequest(
                zoneNames: zoneNames.isEmpty ? nil : zoneNames,
                filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter))
            try await Invocation(options: global).run(Methods.describeAvailabilityZones, request) { result in
                Table(
                    headers: ["ZONE", "ZONE-ID", "REGION", "STATE"],
                    rows: result.availabilityZones.map { [$0.zoneName, $0.zoneId, $0.regionName, $0.state] })
            }
        }
    }
}
