import Foundation

/// Named places where the daemon can be made to die on purpose, to prove that every mutating action
/// recovers from a crash at any step.
///
/// `IAASD_CRASH_AT=<name>` arms one point for the life of the process; reaching it `_exit`s at once, with no
/// cleanup, as `kill -9` would. Unarmed, a point costs one comparison with nil.
public enum CrashPoint {
    /// The exit status of a deliberate crash, so tests can tell it from a real failure.
    public static let exitStatus: Int32 = 86

    private static let armed: String? = {
        let value = ProcessInfo.processInfo.environment["IAASD_CRASH_AT"]
        return value?.isEmpty == false ? value : nil
    }()

    /// Dies here if this point is armed.
    @inline(__always)
    public static func reach(_ name: StaticString) {
        guard let armed else { return }
        if armed == name.description { crash(at: armed) }
    }

    private static func crash(at name: String) -> Never {
        let line = "iaasd: crash point \(name) reached; exiting as if killed\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        _exit(exitStatus)
    }
}
