/// Callers of a driver waiting for something to happen to a machine (its exit, its readiness, a device's
/// removal), by key; a driver actor owns one and wakes a key when its event comes, or at a caller's timeout.
struct Waiters {
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    mutating func add(_ key: String, _ continuation: CheckedContinuation<Void, Never>) {
        waiting[key, default: []].append(continuation)
    }

    mutating func wake(_ key: String) {
        for waiter in waiting.removeValue(forKey: key) ?? [] { waiter.resume() }
    }
}

/// A driver actor whose callers wait for keyed events (`Waiters`).
protocol WaitingDriver: Actor {
    var waiters: Waiters { get set }
}

extension WaitingDriver {
    /// Waits until `wake(key)` or the timeout, whichever is first.
    func wait(_ key: String, timeout: Duration) async {
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.wake(key)
        }
        await withCheckedContinuation { continuation in waiters.add(key, continuation) }
        timer.cancel()
    }

    func wake(_ key: String) {
        waiters.wake(key)
    }
}
