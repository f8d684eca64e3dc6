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
        guard count > 0 else { return nil }
        let next = Mutex(0)
        let failure = Mutex<FileSystemError?>(nil)
        let group = DispatchGroup()
        for _ in 0..<min(width, count) {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                while true {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < count, failure.withLock({ $0 == nil }) else { return }
                    if let error = body(index) { failure.withLock { $0 = $0 ?? error } }
                }
            }
            thread.stackSize = 256 << 10
            thread.start()
        }
        group.wait()
        return failure.withLock { $0 }
    }
}
