import API
import Foundation
import IaasTesting
import Store

/// A daemon with the default AMI, for instance tests: its data directory, its client, the image's id.
final class ComputeFixture {
    let directory: TemporaryDirectory
    var daemon: DaemonProcess
    var client: IaasClient
    let image: String
    let imageDirectory: String
    /// The daemon's extra arguments, given again at each restart.
    let arguments: [String]

    var data: String { directory.path + "/data" }

    static func start(arguments: [String] = []) async throws -> ComputeFixture {
        let directory = try TemporaryDirectory()
        do {
            let images = try GuestImage.directory()
            let daemon = try await DaemonProcess(
                dataDirectory: directory.path + "/data", arguments: ["--image-directory", images] + arguments)
            let client = try await daemon.client()
            return ComputeFixture(
                directory: directory, daemon: daemon, client: client, image: try await client.defaultImage(),
                imageDirectory: images, arguments: arguments)
        } catch {
            directory.remove()
            throw error
        }
    }

    private init(
        directory: TemporaryDirectory, daemon: DaemonProcess, client: IaasClient, image: String, imageDirectory: String,
        arguments: [String]
    ) {
        self.arguments = arguments
        self.directory = directory
        self.daemon = daemon
        self.client = client
        self.image = image
        self.imageDirectory = imageDirectory
    }

    /// kill -9 of the daemon (its instances run on), then a new daemon on the same data.
    func restart(crashAt: String? = nil) async throws {
        await client.close()
        daemon.kill()
        daemon = try await DaemonProcess(
            dataDirectory: data, crashAt: crashAt, arguments: ["--image-directory", imageDirectory] + arguments)
        client = try await daemon.client()
    }

    /// A shell on the instance's console.
    func shell(_ id: String) throws -> GuestShell {
        try GuestShell(socket: data + "/run/\(id)/shell.sock", log: data + "/run/\(id)/shell.log")
    }

    /// The pids of the QEMU processes running from this data directory.
    func machines() -> [Int32] {
        let run = data + "/run"
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? []
        return ids.compactMap { id in
            guard let text = try? String(contentsOfFile: "\(run)/\(id)/vmm.pid", encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                kill(pid, 0) == 0
            else { return nil }
            return pid
        }
    }

    func stop() async {
        await client.close()
        daemon.kill()
        directory.remove()
    }

    deinit {
        daemon.kill()
        directory.remove()
    }
}
