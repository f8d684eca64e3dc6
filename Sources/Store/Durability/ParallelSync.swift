import Foundation
import Synchronization

/// Runs blocking system calls (fsyncs, mostly) on many threads at once. ext4's journal joins fsyncs that
/// arrive together into one commit, so a thousand files fsynced by 32 threads cost a few dozen journal
/// commits instead of a thousand, without flushing anything but those files (as `syncfs` would: every
/// dirty page of the file system, other tenants' included).
enum ParallelSync {
    static let width = 32

    /// Calls `body` for every index in `0..<count`; returns the first error any call returned.
    static func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> FileSystemError?) -> FileSystemError? {
        forEach(count, width: width, state: {}) { _, index in body(index) }
    }

    /// Calls `body` for every index in `0..<count` from `width` threads, each with a state of its own that
    /// `state` makes (a buffer, say) and `finish` then frees; returns the first error any call returned.
    /// Once a call has failed no new one starts.
    static func forEach<State, Failure: Error>(
        _ count: Int, width: Int, state: @escaping @Sendable () -> State,
        finish: @escaping @Sendable (State) -> Void = { _ in },
        _ body: @escaping @Sendable (inout State, Int) -> Failure?
    ) -> Failure? {
        guard count > 0 else { return nil }
        let next = Mutex(0)
        let failure = Mutex<Failure?>(nil)
        let group = DispatchGroup()
        for _ in 0..<min(width, count) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var own = state()
                defer { finish(own) }
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < count, failure.withLock({ $0 == nil }) else { return }
                    if let error = body(&own, index) { failure.withLock { $0 = $0 ?? error } }
                }
            }
            thread.stackSize = 256 << 10
            thread.start()
        }
        group.wait()
        return failure.withLock { $0 }
    }
}
