import Synchronization

/// A shared count that concurrent clients (of a test or a benchmark) draw distinct numbers from.
public final class Counter: Sendable {
    public init() {}

    private let value = Mutex(0)

    /// How many numbers `next()` has handed out.
    public var current: Int { value.withLock { $0 } }

    public func next() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
