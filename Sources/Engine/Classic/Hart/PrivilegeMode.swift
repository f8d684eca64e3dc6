/// A RISC-V hart's privilege levels.
public enum PrivilegeMode: UInt32, Sendable, Comparable {
    case user = 0
    case supervisor = 1
    case machine = 3

    public static func < (lhs: PrivilegeMode, rhs: PrivilegeMode) -> Bool { lhs.rawValue < rhs.rawValue }
}
