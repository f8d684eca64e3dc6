import Synchronization

/// The open connections, so a graceful shutdown can drain each of them.
final class ConnectionRegistry: Sendable {
    private struct Entries {
        var connections: [ObjectIdentifier: ConnectionState] = [:]
        var draining = false
    }

    private let entries = Mutex(Entries())

    /// Adds a connection; one that arrives during shutdown is drained at once.
    func add(_ connection: ConnectionState) {
        let draining = entries.withLock { entries in
            entries.connections[ObjectIdentifier(connection)] = connection
            return entries.draining
        }
        if draining { connection.drain() }
    }

    func remove(_ connection: ConnectionState) {
        _ = entries.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    func drainAll() {
        let all = entries.withLock { entries in
            entries.draining = true
            return Array(entries.connections.values)
        }
        for connection in all { connection.drain() }
    }
}
