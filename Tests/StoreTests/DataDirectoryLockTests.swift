import Foundation
import IaasTesting
import SystemPackage
import Testing

@testable import Store

#if canImport(Glibc)
    import Glibc
#endif

@Suite("DataDirectoryLock")
final class DataDirectoryLockTests {
    let temporary: ScratchDirectory

    init() throws {
        temporary = try ScratchDirectory()
    }

    /// Runs `flock -n <lock file> true`: 0 when the lock was free, 1 when another holder has it.
    private func flockProbe() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        process.arguments = ["-n", temporary.appending("iaasd.lock").string, "true"]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("the lock file holds the pid of the holder")
    func writesPID() throws {
        let lock = try DataDirectoryLock(directory: temporary.path)
        let contents = try String(contentsOfFile: temporary.appending("iaasd.lock").string, encoding: .utf8)
        #expect(contents == "\(getpid())\n")
        withExtendedLifetime(lock) {}
    }

    @Test("taking it twice in one process throws Held naming the holder")
    func heldTwice() throws {
        let lock = try DataDirectoryLock(directory: temporary.path)
        do {
            _ = try DataDirectoryLock(directory: temporary.path)
            Issue.record("the second lock was granted")
        } catch let held as DataDirectoryLock.Held {
            #expect(held.path == temporary.path.string)
            #expect(held.holderPID == Int(getpid()))
            #expect(held.description.contains("pid \(getpid())"))
        }
        withExtendedLifetime(lock) {}
    }

    @Test("releasing the lock lets it be taken again")
    func release() throws {
        var lock: DataDirectoryLock? = try DataDirectoryLock(directory: temporary.path)
        #expect(lock != nil)
        lock = nil
        let again = try DataDirectoryLock(directory: temporary.path)
        withExtendedLifetime(again) {}
    }

    @Test(
        "another process cannot take it while held, and can once released",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock"))
    )
    func otherProcess() throws {
        var lock: DataDirectoryLock? = try DataDirectoryLock(directory: temporary.path)
        #expect(try flockProbe() == 1)
        withExtendedLifetime(lock) {}
        lock = nil
        #expect(try flockProbe() == 0)
    }

    @Test("a held lock is reported even when the holder's pid is unreadable")
    func heldWithoutPID() throws {
        let path = temporary.appending("iaasd.lock")
        let fd = open(path.string, O_CREAT | O_RDWR, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        do {
            _ = try DataDirectoryLock(directory: temporary.path)
            Issue.record("the lock was granted while held")
        } catch let held as DataDirectoryLock.Held {
            #expect(held.holderPID == nil)
            #expect(!held.description.contains("pid"))
        }
    }

    @Test("a missing directory is a FileSystemError, not Held")
    func missingDirectory() {
        #expect(throws: FileSystemError.self) {
            _ = try DataDirectoryLock(directory: self.temporary.appending("missing"))
        }
    }
}
