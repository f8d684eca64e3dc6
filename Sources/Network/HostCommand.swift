import Foundation
import Subprocess
import SystemPackage

/// A host tool run without a shell, optionally inside a network namespace (through `nsenter --net`, which
/// enters only the network namespace: the tool keeps the daemon's files and mounts).
struct HostCommand: Sendable {
    var tool: String
    var arguments: [String]
    /// A namespace's bind mount (`/run/netns/<name>`), or nil for the daemon's own namespace.
    var namespace: String?
    /// What the tool reads on its standard input (`nft -f -`).
    var input: String?

    init(_ tool: String, _ arguments: [String], in namespace: String? = nil, input: String? = nil) {
        self.tool = tool
        self.arguments = arguments
        self.namespace = namespace
        self.input = input
    }

    /// `nsenter` and the tools the data plane runs: found where Debian installs them.
    static let searchPath = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    static func locate(_ tool: String) -> String? {
        searchPath.map { "\($0)/\(tool)" }.first { access($0, X_OK) == 0 }
    }

    /// How the command reads in a log line or an error.
    var text: String {
        ([tool] + arguments).joined(separator: " ") + (namespace.map { " (in \($0))" } ?? "")
    }

    /// Runs the command; returns its standard output, or throws with its standard error.
    @discardableResult
    func run() async throws(NetworkError) -> String {
        guard let binary = Self.locate(tool), let nsenter = namespace == nil ? "" : Self.locate("nsenter") else {
            throw .commandFailed(
                command: text, reason: "\(tool) is not installed (scripts/install-deps.sh installs it)")
        }
        let (path, argv) =
            namespace.map { (nsenter, ["--net=\($0)", "--", binary] + arguments) } ?? (binary, arguments)
        do {
            let record = try await Subprocess.run(
                .path(FilePath(path)), arguments: Arguments(argv), input: .string(input ?? ""),
                output: .string(limit: 1 << 20), error: .string(limit: 64 << 10))
            guard case .exited(0) = record.terminationStatus else {
                let reason = record.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
                throw NetworkError.commandFailed(
                    command: text, reason: reason.isEmpty ? "\(record.terminationStatus)" : reason)
            }
            return record.standardOutput
        } catch let error as NetworkError {
            throw error
        } catch {
            throw .commandFailed(command: text, reason: "\(error)")
        }
    }
}
