import Foundation
import Logging
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Whether KVM runs guests on this host. `/dev/kvm` existing is not enough: on some hosts (nested
/// virtualization) a KVM guest hangs in early boot. So the probe boots a real guest under KVM, with no disk
/// and no NIC, and KVM is usable only if that guest prints its readiness line within the timeout.
///
/// The verdict is cached in a file, keyed by the host's kernel, the QEMU binary and the guest kernel, so
/// one probe serves every daemon of the host until one of those changes; a lock file keeps two daemons
/// from probing at once.
public struct KVMProbe: Sendable {
    public struct Verdict: Codable, Sendable, Equatable {
        public var usable: Bool
        /// Why, in words for `iaasctl status`.
        public var reason: String
        /// What the verdict holds for: host kernel, QEMU binary, guest kernel.
        public var key: String
        public var probedAt: Date
    }

    public var cacheFile: FilePath
    public var qemu: FilePath
    public var kernel: String
    public var initrd: String?
    public var timeout: Duration
    public var device: String
    private let logger = Logger(label: "iaas.engine.kvm-probe")

    public init(
        cacheFile: FilePath, qemu: FilePath, kernel: String, initrd: String?, timeout: Duration = .seconds(20),
        device: String = "/dev/kvm"
    ) {
        self.cacheFile = cacheFile
        self.qemu = qemu
        self.kernel = kernel
        self.initrd = initrd
        self.timeout = timeout
        self.device = device
    }

    /// The cached verdict if it holds for this host, QEMU and kernel; else a new probe's, then cached.
    public func verdict() async -> (verdict: Verdict, cached: Bool) {
        let key = cacheKey()
        guard access(device, R_OK | W_OK) == 0 else {
            // Nothing to cache: the check is free.
            return (
                Verdict(usable: false, reason: "\(device) is absent or not writable", key: key, probedAt: Date()), false
            )
        }
        if let cached = cached(key) { return (cached, true) }
        let directory = cacheFile.removingLastComponent()
        try? FileManager.default.createDirectory(atPath: directory.string, withIntermediateDirectories: true)
        let lock = open(cacheFile.string + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        defer { if lock >= 0 { close(lock) } }
        // Another daemon may be probing: wait for its verdict rather than boot a second guest.
        let deadline = ContinuousClock.now + timeout * 3
        while lock >= 0, flock(lock, LOCK_EX | LOCK_NB) != 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(200))
        }
        if let cached = cached(key) { return (cached, true) }
        let verdict = await probe(key: key, in: directory)
        if let data = try? JSONEncoder().encode(verdict) {
            let temporary = cacheFile.string + ".tmp"
            if FileManager.default.createFile(atPath: temporary, contents: data) {
                _ = rename(temporary, cacheFile.string)
            }
        }
        return (verdict, false)
    }

    private func cached(_ key: String) -> Verdict? {
        guard let data = FileManager.default.contents(atPath: cacheFile.string),
            let verdict = try? JSONDecoder().decode(Verdict.self, from: data), verdict.key == key
        else { return nil }
        return verdict
    }

    /// Boots the guest under KVM in a scratch run directory beside the cache; the machine is gone after.
    private func probe(key: String, in directory: FilePath) async -> Verdict {
        let run = directory.appending("kvm-probe-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: run.string) }
        let driver = QEMUDriver(runDirectory: run, binary: qemu, acceleration: .kvm)
        let machine = MachineDescription(
            id: "probe", vcpus: 1, memoryMiB: 256, kernel: kernel, initrd: initrd, disks: [], nics: [])
        let started = ContinuousClock.now
        do {
            try await driver.start(machine)
            _ = try await driver.waitUntilReady("probe", timeout: timeout)
            await driver.kill("probe")
            let elapsed = ContinuousClock.now - started
            logger.notice("KVM boots guests: instances use it", metadata: ["iaas.probe.boot": "\(elapsed)"])
            return Verdict(usable: true, reason: "a guest booted under KVM in \(elapsed)", key: key, probedAt: Date())
        } catch {
            await driver.kill("probe")
            logger.notice("KVM does not boot guests here: instances use TCG", metadata: ["iaas.error": "\(error)"])
            return Verdict(
                usable: false, reason: "a guest did not boot under KVM: \(error)", key: key, probedAt: Date())
        }
    }

    /// Host kernel release, and size and modification time of the QEMU binary and the guest kernel.
    private func cacheKey() -> String {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        func stamp(_ path: String) -> String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(path):\(size):\(Int64(modified))"
        }
        return [release, stamp(qemu.string), stamp(kernel)].joined(separator: "|")
    }
}
