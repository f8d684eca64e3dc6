import NIOCore
import Synchronization

/// Book-keeping of one client connection: how many of its requests are being served, a cap on that
/// (back-pressure: past it the connection stops reading), and whether the daemon is draining it.
final class ConnectionState: Sendable {
    private struct Counters {
        var inFlight = 0
        var draining = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let counters = Mutex(Counters())
    private let channel: any Channel
    let maxInFlight: Int

    init(channel: any Channel, maxInFlight: Int) {
        self.channel = channel
        self.maxInFlight = maxInFlight
    }

    /// Waits for a free slot, then takes it.
    func acquire() async {
        let acquired = counters.withLock { counters in
            guard counters.inFlight < maxInFlight else { return false }
            counters.inFlight += 1
            return true
        }
        if acquired { return }
        await withCheckedContinuation { continuation in
            let resumeNow = counters.withLock { counters in
                if counters.inFlight < maxInFlight {
                    counters.inFlight += 1
                    return true
                }
                counters.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Gives a slot back; closes the connection if it is draining and now idle.
    func release() {
        let (waiter, close) = counters.withLock { counters in
            if let waiter = counters.waiter {
                counters.waiter = nil
                // The slot passes straight to the waiter.
                return (Optional(waiter), false)
            }
            counters.inFlight -= 1
            return (nil, counters.draining && counters.inFlight == 0)
        }
        waiter?.resume()
        if close { channel.close(promise: nil) }
    }

    /// Stops the connection once its requests in flight are answered (graceful shutdown).
    func drain() {
        let idle = counters.withLock { counters in
            counters.draining = true
            return counters.inFlight == 0
        }
        if idle { channel.close(promise: nil) }
    }
}
