import Dispatch

/// Runs blocking system calls (fsync, large copies) off Swift's cooperative thread pool, which has one
/// thread per core: a stalled fsync there would stall every request.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "iaas.blocking-io", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(E) -> T in try body() })
            }
        }
        return try result.get()
    }
}
