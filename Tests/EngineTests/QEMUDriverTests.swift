import Foundation
import IaasTesting
import SystemPackage
import Testing

@testable import Engine

#if canImport(Glibc)
    import Glibc
#endif

/// The QEMU driver on real guests (the default AMI under TCG): boot to readiness, the console, replicated
/// writes, power-off, kill -9, re-attach from a second driver (a restarted daemon), and disk hot-plug.
@Suite("QEMU driver", .serialized)
struct QEMUDriverTests {
    private struct Bench {
        let directory: TemporaryDirectory
        let image: String
        let run: FilePath

        init() throws {
            directory = try TemporaryDirectory()
            image = try GuestImage.directory()
            run = FilePath(directory.path).appending("run")
        }

        /// A root disk of two replicas, each a copy of the image's root file system in an 8 GiB sparse file.
        func rootReplicas(_ name: String) throws -> [Replica] {
            try (0..<2).map { index in
                let path = directory.path + "/\(name).\(index).raw"
                _ = try CommandRun("/bin/cp", ["--sparse=always", image + "/root.raw", path])
                _ = try CommandRun("/usr/bin/truncate", ["-s", "8G", path])
                return Replica(segments: [Replica.Segment(path: path, bytes: 8 << 30)])
            }
        }

        func machine(_ id: String, address: String = "172.31.5.9") throws -> MachineDescription {
            MachineDescription(
                id: id, vcpus: 1, memoryMiB: 256, kernel: image + "/vmlinux", initrd: image + "/initrd.img",
                disks: [Disk(id: "root", backing: .replicated(try rootReplicas(id)))],
                nics: [
                    NIC(
                        mac: "02:00:00:00:00:01", address: address,
                        hostname: "ip-" + address.replacingOccurrences(of: ".", with: "-"), subnet: "172.31.0.0/20")
                ])
        }

        /// Ends every machine the test started, passed or not, and removes the files.
        func cleanUp() {
            let machines = (try? FileManager.default.contentsOfDirectory(atPath: run.string)) ?? []
            for id in machines {
                if let pid = MachineFileIO.pid(MachineFiles(runDirectory: run, id: id)) { _ = Glibc.kill(pid, SIGKILL) }
            }
            directory.remove()
        }

        func driver() -> QEMUDriver {
            QEMUDriver(runDirectory: run, binary: "/usr/bin/qemu-system-x86_64")
        }

        func shell(_ id: String) throws -> GuestShell {
            let files = MachineFiles(runDirectory: run, id: id)
            return try GuestShell(socket: files.shellSocket.string, log: files.shellLog.string)
        }
    }

    @Test func aGuestBootsKnowsItsNameWritesBothReplicasAndPowersOff() async throws {
        try await GuestLease.exclusive {
            let bench = try Bench()
            defer { bench.cleanUp() }
            let driver = bench.driver()
            let machine = try bench.machine("i-0000000000000000a")
            try await driver.start(machine)
            let ready = try await driver.waitUntilReady(machine.id, timeout: .seconds(60))
            let console = String(decoding: await driver.consoleOutput(machine.id), as: UTF8.self)
            #expect(
                ready == GuestReadiness(hostname: "ip-172-31-5-9", address: "172.31.5.9", rootMounted: true),
                "\(console)")
            #expect(await driver.status(machine.id) == .running)

            let shell = try bench.shell(machine.id)
            #expect(try await shell.run("hostname") == "ip-172-31-5-9")
            #expect(try await shell.run("cat /mnt/root/etc/iaas-release").hasPrefix("iaas default AMI"))
            // A write through the guest reaches both replicas (the quorum node).
            _ = try await shell.run("echo replicated-write > /mnt/root/marker && sync")
            for replica in 0..<2 {
                // The file system is the image's 64 MiB: the write lands there.
                let handle = try #require(
                    FileHandle(forReadingAtPath: bench.directory.path + "/\(machine.id).\(replica).raw"))
                let head = try handle.read(upToCount: 64 << 20) ?? Data()
                try handle.close()
                #expect(head.range(of: Data("replicated-write".utf8)) != nil, "replica \(replica)")
            }
            #expect(
                String(decoding: await driver.consoleOutput(machine.id), as: UTF8.self).contains("iaas-guest: ready"))

            var events = driver.events.makeAsyncIterator()
            await driver.stop(machine.id, grace: .seconds(20))
            #expect(await events.next() == .exited(id: machine.id, guestInitiated: true, requested: true))
            #expect(await driver.status(machine.id) == .stopped)
            #expect(
                !FileManager.default.fileExists(
                    atPath: MachineFiles(runDirectory: bench.run, id: machine.id).pidFile.string))
        }
    }

    @Test func aKilledVMMIsSeenAndASecondDriverReattachesToARunningOne() async throws {
        try await GuestLease.exclusive {
            let bench = try Bench()
            defer { bench.cleanUp() }
            let first = bench.driver()
            let machine = try bench.machine("i-0000000000000000b")
            try await first.start(machine)
            _ = try await first.waitUntilReady(machine.id, timeout: .seconds(60))

            // A second driver, as after a daemon restart, finds the machine and its description.
            await first.disconnect()
            let second = bench.driver()
            let found = await second.discover()
            #expect(found.map(\.id) == [machine.id])
            #expect(found.first?.status == .running && found.first?.description == machine)

            // kill -9 of QEMU: both drivers see the machine end, not by the guest's doing.
            let files = MachineFiles(runDirectory: bench.run, id: machine.id)
            let pid = try #require(MachineFileIO.pid(files))
            var events = second.events.makeAsyncIterator()
            _ = try CommandRun("/bin/kill", ["-9", String(pid)])
            #expect(await events.next() == .exited(id: machine.id, guestInitiated: false, requested: false))
            #expect(await second.status(machine.id) == .stopped)
            #expect(await bench.driver().discover().isEmpty, "a stale pid file is not a machine")
        }
    }

    @Test func aDiskIsHotPluggedWrittenUnpluggedAndReadBackInAnotherGuest() async throws {
        try await GuestLease.exclusive {
            let bench = try Bench()
            defer { bench.cleanUp() }
            let driver = bench.driver()
            let writer = try bench.machine("i-0000000000000000c", address: "172.31.5.10")
            try await driver.start(writer)
            _ = try await driver.waitUntilReady(writer.id, timeout: .seconds(60))
            let replicas = try (0..<2).map { index in
                let path = bench.directory.path + "/data.\(index).raw"
                _ = try CommandRun("/usr/bin/truncate", ["-s", "1G", path])
                return Replica(segments: [Replica.Segment(path: path, bytes: 1 << 30)])
            }
            let data = Disk(id: "vol-0123456789abcdef0", backing: .replicated(replicas))
            try await driver.attach(data, to: writer.id)
            let shell = try bench.shell(writer.id)
            #expect(
                try await shell.run("for i in $(seq 50); do [ -b /dev/vdb ] && break; sleep 0.1; done; ls /dev/vdb")
                    == "/dev/vdb")
            _ = try await shell.run("echo carried-across > /dev/vdb && sync")
            try await driver.detach(data.id, from: writer.id, force: false)
            #expect(try await shell.run("ls /dev/vdb 2>&1").contains("No such file"))

            // The same volume, in another machine started with it.
            var reader = try bench.machine("i-0000000000000000d", address: "172.31.5.11")
            reader.disks.append(data)
            try await driver.start(reader)
            _ = try await driver.waitUntilReady(reader.id, timeout: .seconds(60))
            #expect(try await bench.shell(reader.id).run("head -c 14 /dev/vdb") == "carried-across")
            await driver.kill(writer.id)
            await driver.kill(reader.id)
        }
    }
}
