import API
import Foundation
import IaasTesting
import Testing

@Suite("Daemon lifecycle")
struct DaemonLifecycleTests {
    @Test func secondDaemonOnTheSameDataDirectoryExitsWithAClearMessage() async throws {
        let fixture = try await DaemonFixture.start()
        let second = try CommandRun(DaemonProcess.binary(), DaemonProcess.isolated(["--data-dir", fixture.data]))
        #expect(second.status == 2)
        #expect(second.stderr.contains("is in use by iaasd (pid \(fixture.daemon.pid))"), "\(second.stderr)")
        // The first daemon is unharmed.
        #expect(try await fixture.client.call(Methods.status).pid == Int(fixture.daemon.pid))
        await fixture.stop()
    }

    @Test func aSocketAnotherDaemonServesIsNotTakenOver() async throws {
        let fixture = try await DaemonFixture.start()
        let other = try TemporaryDirectory()
        defer { other.remove() }
        let second = try CommandRun(
            DaemonProcess.binary(),
            DaemonProcess.isolated(["--data-dir", other.path + "/data", "--socket", fixture.daemon.socketPath]))
        #expect(second.status == 2)
        #expect(second.stderr.contains("Another daemon is serving on \(fixture.daemon.socketPath)"), "\(second.stderr)")
        #expect(try await fixture.client.call(Methods.status).pid == Int(fixture.daemon.pid))
        let fresh = try await fixture.daemon.client()
        #expect(
            try await fresh.call(Methods.status).pid == Int(fixture.daemon.pid), "new connections still reach the first"
        )
        await fresh.close()
        await fixture.stop()
    }

    @Test func staleSocketOfAKilledDaemonIsReplaced() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let first = try await DaemonProcess(dataDirectory: data)
        first.kill()
        #expect(FileManager.default.fileExists(atPath: first.socketPath), "kill -9 leaves the socket file")
        let second = try await DaemonProcess(dataDirectory: data)
        let client = try await second.client()
        #expect(try await client.call(Methods.status).pid == Int(second.pid))
        await client.close()
        #expect(await second.terminate() == 0)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsGracefullyAndRemovesTheSocket(signal: Int32) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        // Every create waits between its intent and its files until the test opens the gate, so all ten are
        // surely in flight when the signal arrives, however slow a loaded host is (a fixed 10 s pause was not
        // always enough on 2 busy cores).
        let gate = directory.path + "/gate"
        let daemon = try await DaemonProcess(
            dataDirectory: data, environment: ["IAASD_PAUSE_AT": "volume.create.after-intent=" + gate])
        let client = try await daemon.client()
        let inFlight = (0..<10).map { _ in Task { try await client.createVolume(size: 1) } }
        let inspector = DataDirectoryInspector(root: data)
        let deadline = ContinuousClock.now + .seconds(60)
        while try inspector.snapshot().volumes.count < 10, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let states = try inspector.snapshot().volumes.map(\.state.rawValue)
        #expect(states == Array(repeating: "creating", count: 10), "\(states)")
        kill(daemon.pid, signal)
        // New connections are refused once the stop begins.
        try await Task.sleep(for: .milliseconds(200))
        await #expect(throws: (any Error).self) {
            _ = try await IaasClient.connect(socketPath: daemon.socketPath).call(Methods.status)
        }
        #expect(daemon.isRunning, "the stop waits for the requests in flight")
        #expect(FileManager.default.createFile(atPath: gate, contents: nil))
        // Every request in flight at the signal is answered, and succeeded.
        var created: [String] = []
        for task in inFlight { created.append(try await task.value.volumeId) }
        #expect(created.count == 10)
        #expect(await daemon.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
        #expect(daemon.log().contains("stopped"))
        // What was answered is on disk, whole.
        #expect(try inspector.snapshot().volumes.map(\.id).sorted() == created.sorted())
        #expect(try inspector.snapshot().volumes.allSatisfy { $0.state == .available })
        #expect(try inspector.violations() == [])
    }

    @Test(arguments: [
        ["--repair-interval", "inf"], ["--repair-interval", "nan"], ["--repair-interval", "0"],
        ["--idle-timeout", "-1"], ["--idle-timeout", "1e300"], ["--max-connections", "0"], ["--collect-interval", "0"],
    ])
    func badOptionsAreRefusedWithAMessage(arguments: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try CommandRun(
            DaemonProcess.binary(), DaemonProcess.isolated(["--data-dir", directory.path + "/data"] + arguments))
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(arguments[0]), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/data"), "nothing is created")
    }

    @Test func notifiesSystemdWhenReadyAndWhenStopping() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let notifyPath = directory.path + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(notifyPath.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func receive() -> String {
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        }
        let daemon = try await DaemonProcess(
            dataDirectory: directory.path + "/data", environment: ["NOTIFY_SOCKET": notifyPath])
        #expect(receive().contains("READY=1"))
        kill(daemon.pid, SIGTERM)
        #expect(receive().contains("STOPPING=1"))
        #expect(await daemon.waitForExit() == 0)
    }

    @Test func statusReportsTheDaemon() async throws {
        let fixture = try await DaemonFixture.start()
        _ = try await fixture.client.createVolume()
        let status = try await fixture.client.call(Methods.status)
        #expect(status.pid == Int(fixture.daemon.pid))
        #expect(status.dataDirectory == fixture.data)
        #expect(status.socketPath == fixture.daemon.socketPath)
        #expect(status.availabilityZones == 3)
        #expect(status.volumes == 1)
        #expect(status.uptimeSeconds > 0)
        await fixture.stop()
    }

    @Test func socketIsGroupReadableOnly() async throws {
        let fixture = try await DaemonFixture.start()
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.daemon.socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
        await fixture.stop()
    }
}
