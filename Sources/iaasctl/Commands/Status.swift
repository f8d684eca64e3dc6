import API
import ArgumentParser

extension Iaasctl {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the daemon's version, uptime and counts.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Invocation(options: global).run(Methods.status, NoParams()) { status in
                Table(
                    headers: ["FIELD", "VALUE"],
                    rows: [
                        ["version", status.version], ["pid", String(status.pid)],
                        ["uptime", String(format: "%.1fs", status.uptimeSeconds)],
                        ["data-directory", status.dataDirectory], ["socket", status.socketPath],
                        ["regions", String(status.regions)], ["availability-zones", String(status.availabilityZones)],
                        ["volumes", String(status.volumes)],
                        ["lost-and-found-files", String(status.lostAndFoundFiles)],
                        [
                            "acceleration",
                            status.acceleration.map { "\($0) (\(status.accelerationReason ?? ""))" } ?? "-",
                        ],
                        ["http-endpoint", status.httpEndpoint ?? "-"],
                        ["network", status.networkMode.map { "\($0) (\(status.networkModeReason ?? ""))" } ?? "-"],
                    ])
            }
        }
    }
}
