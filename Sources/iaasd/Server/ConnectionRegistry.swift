import NIOCore
import Synchronization

/// The open connections, so a graceful shutdown can drain each of them and wait until all are closed, and
/// so their number stays under the daemon's cap.
final class ConnectionRegistry: Sendable {
    private struct Entries {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var draining = false
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let entries = Mutex(Entries())
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds a connection and forgets it when it closes; one that arrives during shutdown is drained at once.
    ///
    /// - Returns: false when the registry is full; the connection is not added.
    func add(_ channel: any Channel) -> Bool {
        let key = ObjectIdentifier(channel)
        let added = entries.withLock { entries -> (accepted: Bool, draining: Bool) in
            guard entries.channels.count < limit else { return (false, false) }
            entries.channels[key] = channel
            return (true, entries.draining)
        }
        guard added.accepted else { return false }
        channel.closeFuture.whenComplete { _ in self.remove(key) }
        if added.draining { Self.drain(channel) }
        return true
    }

    private func remove(_ key: ObjectIdentifier) {
        let waiters = entries.withLock { entries -> [CheckedContinuation<Void, Never>] in
            entries.channels.removeValue(forKey: key)
            guard entries.channels.isEmpty else { return [] }
            defer { entries.emptyWaiters = [] }
            return entries.emptyWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Asks every connection to close once the requests it has in flight are answered.
    func drainAll() {
        let channels = entries.withLock { entries in
            entries.draining = true
            return Array(entries.channels.values)
        }
        for channel in channels { Self.drain(channel) }
    }

    /// Returns once no connection is open.
    func waitUntilEmpty() async {
        await withCheckedContinuation { continuation in
            let empty = entries.withLock { entries in
                if entries.channels.isEmpty { return true }
                entries.emptyWaiters.append(continuation)
                return false
            }
            if empty { continuation.resume() }
        }
    }

    private static func drain(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(RPCConnectionHandler.Drain())
    }
}
