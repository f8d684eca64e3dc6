import ArgumentParser
import Foundation
import Services
import Store
import VPCNetwork

/// `--network`: how instances are networked.
enum NetworkChoice: String, Sendable, ExpressibleByArgument, CaseIterable {
    case auto, vpc, user
}

extension Daemon {
    /// The VPC data plane when asked for (or, with `auto`, when this host allows it), else user mode with
    /// the reason. `--network vpc` on a host that cannot is refused at start, not discovered at a launch.
    func networking(_ dataDirectory: DataDirectory) throws -> NetworkConfiguration {
        let (mode, reason) = NetworkMode.probe()
        switch options.network {
        case .user:
            if options.networkHostRoute { throw DaemonError("--network-host-route needs the VPC data plane.") }
            return .user(reason: "--network user")
        case .auto where mode == .user:
            if options.networkHostRoute {
                throw DaemonError("--network-host-route needs the VPC data plane, which this host lacks: \(reason).")
            }
            return .user(reason: reason)
        case .vpc where mode == .user:
            throw DaemonError("--network vpc needs what this host lacks: \(reason).")
        case .auto, .vpc:
            return NetworkConfiguration(
                mode: .vpc, reason: reason,
                dataPlane: DataPlane(directory: URL(fileURLWithPath: dataDirectory.network.string)),
                namespacePrefix: options.networkNamespacePrefix, hostRoute: options.networkHostRoute)
        }
    }
}
