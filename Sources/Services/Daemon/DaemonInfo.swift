import Foundation
import Synchronization

/// Facts about the running daemon that `daemon.Status` reports.
public struct DaemonInfo: Sendable {
    public static let version = "0.1.0"

    public var pid: Int
    public var startedAt: ContinuousClock.Instant
    public var dataDirectory: String
    public var socketPath: String
    /// The AWS-protocol HTTP listener's URL, once it is bound (its port may have been chosen by the system).
    public let httpEndpoint = HTTPEndpoint()

    public init(pid: Int, startedAt: ContinuousClock.Instant, dataDirectory: String, socketPath: String) {
        self.pid = pid
        self.startedAt = startedAt
        self.dataDirectory = dataDirectory
        self.socketPath = socketPath
    }
}

/// Where the HTTP listener serves, set when it has bound its port.
public final class HTTPEndpoint: Sendable {
    private let url = Mutex<String?>(nil)

    public init() {}

    public var current: String? { url.withLock { $0 } }

    public func set(_ value: String?) { url.withLock { $0 = value } }
}
