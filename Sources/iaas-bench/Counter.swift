import Synchronization

/// A shared count that concurrent benchmark clients draw distinct numbers from.
final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
