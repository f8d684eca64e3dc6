import API
import Foundation

/// A real `iaasd` process on a data directory, for tests and benchmarks.
public final class DaemonProcess: @unchecked Sendable {
    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    public let dataDirectory: String
    public let socketPath: String
    public let logPath: String
    private let process: Process

    /// Starts `iaasd` and waits until its socket answers `daemon.Status`.
    ///
    /// - Parameters:
    ///   - crashAt: arms `IAASD_CRASH_AT`.
    ///   - arguments: extra command-line arguments.
    ///   - umask: when set, the daemon starts under this umask (through `/bin/sh`).
    public init(
        dataDirectory: String, crashAt: String? = nil, arguments: [String] = [],
        environment extra: [String: String] = [:],
        logLevel: String = "debug", umask: String? = nil, timeout: Duration = .seconds(90)
    ) async throws {
        self.dataDirectory = dataDirectory
        socketPath = dataDirectory + "/iaasd.sock"
        logPath = dataDirectory + ".log"
        process = Process()
        let binary = try Self.binary()
        let daemonArguments = ["--data-dir", dataDirectory, "--log-level", logLevel] + Self.isolated(arguments)
        if let umask {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "umask \(umask) && exec \"$0\" \"$@\"", binary] + daemonArguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = daemonArguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["IAASD_CRASH_AT"] = crashAt
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        environment.merge(extra) { _, new in new }
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        try await waitUntilServing(timeout: timeout)
    }

    private func waitUntilServing(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw StartFailure(
                    description: "iaasd exited with status \(process.terminationStatus) during start-up:\n\(log())")
            }
            if let client = try? await IaasClient.connect(socketPath: socketPath) {
                // Closed before returning, so the daemon no longer counts it when the caller starts (a test of
                // the connection cap counts them).
                let served = (try? await client.call(Methods.status)) != nil
                await client.close()
                if served { return }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        kill()
        throw StartFailure(description: "iaasd did not serve within \(timeout):\n\(log())")
    }

    deinit {
        // A test that fails half-way must not leave a daemon behind.
        if process.isRunning { kill() }
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// Opens a client on the daemon's socket.
    public func client() async throws -> IaasClient {
        try await IaasClient.connect(socketPath: socketPath)
    }

    /// `kill -9`, then waits for the process to be gone.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    public func terminate() async -> Int32 {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGTERM) }
        return await waitForExit()
    }

    /// Waits for the process to exit by itself; returns its exit status.
    public func waitForExit(timeout: Duration = .seconds(30)) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if process.isRunning { kill() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Everything the daemon has logged on this data directory so far.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// `arguments` in user-mode networking unless they choose: as root the daemon would build the VPC data
    /// plane in namespaces of one shared name, so a test that wants it says so (`--network vpc` with a
    /// prefix of its own). For every `iaasd` a test or benchmark starts, through here or by hand.
    public static func isolated(_ arguments: [String]) -> [String] {
        arguments.contains { $0.hasPrefix("--network") } ? arguments : ["--network", "user"] + arguments
    }

    /// The `iaasd` binary: `$IAASD_BINARY`, else the one built beside the running test or benchmark, which the
    /// test targets depend on, so it is always this tree's. There is deliberately no fallback to some
    /// `.build/debug/iaasd`: that could be a stale binary of another tree or configuration.
    public static func binary() throws -> String {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["IAASD_BINARY"] { candidates.append(explicit) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("iaasd").path)
            directory = directory.deletingLastPathComponent()
        }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw StartFailure(description: "No iaasd binary found (run `swift build` first); looked at \(candidates)")
    }
}
