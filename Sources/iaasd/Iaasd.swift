import API
import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix

/// `iaasd`: the daemon that keeps the cloud.
@main
struct Iaasd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iaasd",
        abstract: "The iaas daemon: an AWS-shaped cloud on one host, served as JSON-RPC on a Unix socket.",
        version: "0.1.0"
    )

    @Option(help: "Where the cloud keeps its state. Default: /var/lib/iaasd as root, else $XDG_DATA_HOME/iaasd.")
    var dataDir: String?

    @Option(help: "The API socket. Default: <data-dir>/iaasd.sock.")
    var socket: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(help: "A JSON file of extra regions and zones.")
    var config: String?

    @Option(help: "Seconds between checks of volume replicas.")
    var repairInterval: Double = 30

    @Option(help: "Seconds after which a connection with no traffic is closed.")
    var idleTimeout: Double = 300

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        guard repairInterval > 0, idleTimeout > 0 else {
            throw ValidationError("--repair-interval and --idle-timeout must be positive.")
        }
    }

    func run() async throws {
        // From here on Swift Concurrency runs on NIO's event loops: a request moves from the socket to its
        // handler and back without a thread switch. Blocking work (fsync, copies) has its own queue
        // (BlockingIO) and GRDB its own, so nothing blocks a loop. Nothing else runs yet.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let dataDirectory = dataDir ?? DefaultPaths.dataDirectory()
        let options = DaemonOptions(
            dataDirectory: dataDirectory,
            socketPath: socket ?? dataDirectory + "/iaasd.sock",
            configFile: config,
            repairInterval: .milliseconds(Int(repairInterval * 1000)),
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000))
        )
        do {
            try await Daemon(options: options).run()
        } catch let error as DaemonError {
            FileHandle.standardError.write(Data("iaasd: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
