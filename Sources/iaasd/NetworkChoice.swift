import ArgumentParser
import Foundation
import Services
import Store
import SystemPackage
import VPCNetwork

/// `--network`: how instances are networked.
enum NetworkChoice: String, Sendable, ExpressibleByArgument, CaseIterable {
    case auto, vpc, user
}

extension Daemon {
    /// The VPC data plane when asked for (or, with `auto`, when this host allows it), else user mode with
    /// the reason. `--network vpc` on a host that cannot is refused at start, not discovered at a launch.
    ///
    /// The VPC data plane's namespaces are named by the prefix alone, so one daemon holds a prefix: a second
    /// one with the same prefix (another data directory) would undo the first's taps and tables. The lock is
    /// held for the daemon's life.
    func networking(_ dataDirectory: DataDirectory) throws -> (NetworkConfiguration, DataDirectoryLock?) {
        let (mode, reason) = NetworkMode.probe()
        switch options.network {
        case .user:
            if options.networkHostRoute { throw DaemonError("--network-host-route needs the VPC data plane.") }
            return (.user(reason: "--network user"), nil)
        case .auto where mode == .user:
            if options.networkHostRoute {
                throw DaemonError("--network-host-route needs the VPC data plane, which this host lacks: \(reason).")
            }
            return (.user(reason: reason), nil)
        case .vpc where mode == .user:
            throw DaemonError("--network vpc needs what this host lacks: \(reason).")
        case .auto, .vpc:
            let lock = try Self.lockNamespaces(prefix: options.networkNamespacePrefix)
            let configuration = NetworkConfiguration(
                mode: .vpc, reason: reason,
                dataPlane: DataPlane(directory: DataPlane.runtimeDirectory(prefix: options.networkNamespacePrefix)),
                namespacePrefix: options.networkNamespacePrefix, hostRoute: options.networkHostRoute)
            return (configuration, lock)
        }
    }

    /// `/run/iaasd/netns-<prefix>/iaasd.lock`, beside the data plane's runtime files.
    private static func lockNamespaces(prefix: String) throws -> DataDirectoryLock {
        let directory = DataPlane.runtimeDirectory(prefix: prefix).path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try DataDirectoryLock(directory: FilePath(directory))
        } catch let held as DataDirectoryLock.Held {
            throw DaemonError(
                "The network namespace prefix '\(prefix)' is in use\(held.holderPID.map { " by iaasd (pid \($0))" } ?? ""). Give this daemon another --network-namespace-prefix, or --network user."
            )
        } catch {
            throw DaemonError("Cannot lock the network namespace prefix '\(prefix)' (\(directory)): \(error)")
        }
    }
}
