import Foundation

/// A fresh directory under the system temp dir, removed by `remove()`, with any virtual machine running
/// from it: instances outlive their daemon by design, but not their test.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "iaas-test") throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).standardizedFileURL.path
        var template = Array((base + "/\(prefix)-XXXXXX").utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        path = String(cString: result)
    }

    public func remove() {
        killMachines()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Kills every VMM whose pid file (`run/<id>/vmm.pid`, in any data directory here) names a process
    /// whose command line mentions this directory.
    public func killMachines() {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return }
        while let file = walker.nextObject() as? String {
            guard file.hasSuffix("/vmm.pid"),
                let text = try? String(contentsOfFile: path + "/" + file, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                String(decoding: command, as: UTF8.self).contains(path)
            else { continue }
            kill(pid, SIGKILL)
        }
    }
}
