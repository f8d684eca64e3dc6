/// Failures of the engine, with what a person needs to act on them (Services turn them into AWS errors).
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The VMM could not be started: its binary is missing, or it refused the machine.
    case startFailed(String)
    /// The guest did not print its readiness line in time, or its VMM ended first.
    case notReady(String)
    /// The guest's kernel reported a stall (RCU's detector) before it was ready: it will not get there.
    case stalled(String)
    /// No such machine runs.
    case notRunning(String)
    /// The VMM refused a command (QMP's error class and description).
    case commandFailed(String)

    public var description: String {
        switch self {
        case .startFailed(let reason): "the machine could not be started: \(reason)"
        case .notReady(let reason): "the guest did not become ready: \(reason)"
        case .stalled(let report): "the guest's kernel stalled before it was ready (\(report))"
        case .notRunning(let id): "machine \(id) is not running"
        case .commandFailed(let reason): "the VMM refused a command: \(reason)"
        }
    }
}
