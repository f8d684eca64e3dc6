import Foundation

/// A process's memory as `/proc/<pid>/status` reports it.
public enum ProcStatus {
    /// A field such as `VmRSS:` or `VmHWM:` (the peak), in KiB; 0 when the process or field is gone.
    public static func kibibytes(_ pid: Int32, _ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
