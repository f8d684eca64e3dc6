import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Facts of the host the engine needs.
enum Host {
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
