import API
import Foundation
import IaasTesting
import NIOCore
import NIOPosix

/// The start every benchmark shares: the clients' executor, a data directory, the header line that says
/// what the figures ran on, and a daemon with a client.
struct BenchSetup {
    let temporary: TemporaryDirectory
    /// `--directory`, or the temporary directory.
    let root: String
    let daemon: DaemonProcess
    let client: IaasClient

    var data: String { root + "/data" }

    static func start(_ name: String, directory: String?, arguments: [String] = []) async throws -> BenchSetup {
        // As in iaasd: the clients should cost as little CPU as a well-built client can.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let temporary = try TemporaryDirectory(prefix: "iaas-bench")
        let root = directory ?? temporary.path
        print("iaas-bench \(name) on \(Machine.summary)")
        print("iaasd: \(try DaemonProcess.binary())")
        // The daemon logs notices and worse, so that logging costs nothing measured; IAAS_BENCH_LOG_LEVEL=info
        // keeps its step timings (in `<directory>/data.log` with --directory).
        let daemon = try await DaemonProcess(
            dataDirectory: root + "/data", arguments: arguments,
            logLevel: ProcessInfo.processInfo.environment["IAAS_BENCH_LOG_LEVEL"] ?? "notice")
        return BenchSetup(temporary: temporary, root: root, daemon: daemon, client: try await daemon.client())
    }
}
