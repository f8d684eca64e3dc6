import Foundation
import IaasTesting

/// Runs the built `iaasctl` against a daemon's socket, off the cooperative pool.
func iaasctl(_ arguments: [String], socket: String) async throws -> CommandRun {
    let binary = URL(fileURLWithPath: try DaemonProcess.binary()).deletingLastPathComponent()
        .appendingPathComponent("iaasctl")
    return try await CommandRun.run(
        binary.path, arguments, environment: ["IAAS_SOCKET": socket, "PATH": "/usr/bin:/bin", "COLUMNS": "80"])
}
