import Foundation

/// What a classic worker and its driver say to each other, in QMP's wire format (a greeting, then
/// `{"execute", "arguments", "id"}` answered by `{"return" | "error", "id"}`, and `{"event", "data"}`), so
/// the driver talks to a worker with the connection it talks to QEMU with.
enum WorkerProtocol {
    /// Commands: `start {machine}`, `stop|reboot|pause|resume|query-stats|query-console {id}`,
    /// `query-machines`, `quit`.
    static let start = "start"
    static let stop = "stop"
    static let reboot = "reboot"
    static let pause = "pause"
    static let resume = "resume"
    static let queryMachines = "query-machines"
    static let queryStats = "query-stats"
    /// The console's last 64 KiB, base64.
    static let queryConsole = "query-console"
    static let quit = "quit"

    static let readyEvent = "READY"
    static let exitedEvent = "EXITED"

    /// A machine the worker runs, as `query-machines` lists it.
    struct Machine: Codable, Sendable {
        var id: String
        var paused: Bool
        var readinessLine: String?
        var description: MachineDescription
    }

    /// An `EXITED` event's data.
    struct Exit: Codable, Sendable {
        var id: String
        var guest: Bool
        var requested: Bool
        var reason: String
    }

    /// A `READY` event's data.
    struct Ready: Codable, Sendable {
        var id: String
        var line: String
    }
}
