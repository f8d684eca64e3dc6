import API
import ArgumentParser

/// How output is shown.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The iaasd socket (default: $IAAS_SOCKET, else the default data directory's iaasd.sock).")
    var socket: String?

    @Option(name: [.short, .long], help: "table for people, json for scripts.")
    var output: OutputFormat = .table

    var socketPath: String { socket ?? DefaultPaths.socket() }
}
