import Foundation

/// Facts about the running daemon that `daemon.Status` reports.
public struct DaemonInfo: Sendable {
    public static let version = "0.1.0"

    public var pid: Int
    public var startedAt: ContinuousClock.Instant
    public var dataDirectory: String
    public var socketPath: String

    public init(pid: Int, startedAt: ContinuousClock.Instant, dataDirectory: String, socketPath: String) {
        self.pid = pid
        self.startedAt = startedAt
        self.dataDirectory = dataDirectory
        self.socketPath = socketPath
    }
}
