import API
import Foundation
import IaasTesting

/// A daemon on a fresh data directory, for one test. A test that ends early (a failed `try`) still leaves
/// nothing behind: the daemon is killed and the directory removed when the fixture goes away.
final class DaemonFixture: Sendable {
    let directory: TemporaryDirectory
    let daemon: DaemonProcess
    let client: IaasClient

    var data: String { daemon.dataDirectory }
    var inspector: DataDirectoryInspector { DataDirectoryInspector(root: data) }

    private init(directory: TemporaryDirectory, daemon: DaemonProcess, client: IaasClient) {
        self.directory = directory
        self.daemon = daemon
        self.client = client
    }

    static func start(arguments: [String] = [], environment: [String: String] = [:]) async throws -> DaemonFixture {
        let directory = try TemporaryDirectory()
        do {
            let daemon = try await DaemonProcess(
                dataDirectory: directory.path + "/data", arguments: arguments, environment: environment)
            return DaemonFixture(directory: directory, daemon: daemon, client: try await daemon.client())
        } catch {
            directory.remove()
            throw error
        }
    }

    deinit {
        daemon.kill()
        directory.remove()
    }

    /// Stops the daemon gracefully and removes the directory.
    func stop() async {
        await client.close()
        await daemon.terminate()
        directory.remove()
    }
}

extension IaasClient {
    /// Creates a small volume in us-east-1a.
    func createVolume(size: Int = 1, zone: String = "us-east-1a", token: String? = nil) async throws -> Volume {
        try await call(
            Methods.createVolume, CreateVolumeRequest(availabilityZone: zone, size: size, clientToken: token))
    }

    func volumeIds() async throws -> [String] {
        try await call(Methods.describeVolumes, DescribeVolumesRequest()).volumes.map(\.volumeId)
    }
}

/// The AWS error code of a call that must fail.
func awsCode(_ body: () async throws -> Void) async -> String? {
    do {
        try await body()
        return nil
    } catch let error as RPCErrorObject {
        return error.awsCode
    } catch {
        return "unexpected: \(error)"
    }
}
