import Foundation

/// Named places where the daemon can be made to die on purpose, to prove that every mutating action
/// recovers from a crash at any step.
///
/// `IAASD_CRASH_AT=<name>` arms one point for the life of the process; reaching it `_exit`s at once, with no
/// cleanup, as `kill -9` would. `IAASD_PAUSE_AT=<name>=<milliseconds>` makes every pass through a point wait
/// that long instead, so a test can hold requests in flight (to prove a graceful stop answers them);
/// `IAASD_PAUSE_AT=<name>=<absolute path>` waits until that file exists (at most ten minutes), so a test
/// holds them exactly as long as it needs, however slow a loaded host makes it. Unarmed, a point costs two
/// comparisons with nil.
public enum CrashPoint {
    /// The exit status of a deliberate crash, so tests can tell it from a real failure.
    public static let exitStatus: Int32 = 86

    private static let armed: String? = {
        let value = ProcessInfo.processInfo.environment["IAASD_CRASH_AT"]
        return value?.isEmpty == false ? value : nil
    }()

    /// How a paused point waits: a fixed time, or until a file appears.
    private enum Pause {
        case duration(Duration)
        case untilFileExists(String)

        func wait() async {
            switch self {
            case .duration(let duration): try? await Task.sleep(for: duration)
            case .untilFileExists(let path):
                let deadline = ContinuousClock.now + .seconds(600)
                while !FileManager.default.fileExists(atPath: path), ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
        }
    }

    private static let paused: (name: String, pause: Pause)? = {
        guard let value = ProcessInfo.processInfo.environment["IAASD_PAUSE_AT"],
            let separator = value.firstIndex(of: "=")
        else { return nil }
        let argument = value[value.index(after: separator)...]
        let name = String(value[..<separator])
        if let milliseconds = Int(argument) { return (name, .duration(.milliseconds(milliseconds))) }
        return argument.hasPrefix("/") ? (name, .untilFileExists(String(argument))) : nil
    }()

    /// Dies here if this point is armed; waits here if it is paused.
    @inline(__always)
    public static func reach(_ name: StaticString) async {
        if let armed, armed == name.description { crash(at: armed) }
        if let paused, paused.name == name.description { await paused.pause.wait() }
    }

    private static func crash(at name: String) -> Never {
        let line = "iaasd: crash point \(name) reached; exiting as if killed\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        _exit(exitStatus)
    }
}
