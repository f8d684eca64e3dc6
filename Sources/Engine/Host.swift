import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Facts of the host the engine needs.
public enum Host {
    /// The TSC frequency in kHz, from the kernel's `cpu MHz`; a microvm guest needs it to boot.
    static func tscKHz() -> Int {
        if let text = try? String(contentsOfFile: "/sys/devices/system/cpu/cpu0/tsc_freq_khz", encoding: .utf8),
            let khz = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            return khz
        }
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in info.split(separator: "\n") where line.hasPrefix("cpu MHz") {
            if let value = line.split(separator: ":").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) })
            {
                return Int(value * 1000)
            }
        }
        return 2_000_000
    }

    /// A TCP port of 127.0.0.1 free now (the kernel's pick for a bind to port 0), for a forward.
    public static func freeLoopbackPort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Whether `pid` is a live QEMU of this machine (not a process that took a recycled pid): its command
    /// line names the machine's run directory.
    static func isQEMU(_ pid: pid_t, of files: MachineFiles) -> Bool {
        guard isAlive(pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
            return false
        }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains { $0.contains(files.directory.string) }
    }
}
