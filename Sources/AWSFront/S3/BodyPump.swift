import API
import Hummingbird
import NIOCore
import Synchronization

/// Feeds a request's body into the `ReceivedPayload` a service reads, at the service's pace: while chunks
/// wait unread it stops reading the connection, so a 5 GiB put holds a few chunks in memory. It decodes
/// `aws-chunked`, and checks the body's declared checksums before the service sees its end: a body that
/// fails them ends in an error, and the service stores nothing.
struct BodyPump: Sendable {
    /// What the pump found: the checksums it computed, or why the body was refused.
    enum Outcome: Sendable {
        case complete([BodyChecks.Algorithm: String])
        case refused(CloudError)
        /// The client went away mid-body.
        case broken
    }

    let length: Int
    let checks: BodyChecks
    let chunked: AWSChunkedDecoder?

    func run(_ body: RequestBody, into feed: PayloadFeed, gate: ResumeGate) async -> Outcome {
        var checks = checks
        var decoder = chunked
        var received = 0
        do {
            for try await buffer in body {
                var pieces = [buffer]
                if var active = decoder {
                    do throws(AWSChunkedDecoder.Failure) {
                        pieces = try active.decode(buffer)
                    } catch {
                        return refuse(Self.cloudError(error), feed)
                    }
                    decoder = active
                }
                for piece in pieces where piece.readableBytes > 0 {
                    received += piece.readableBytes
                    guard received <= length else {
                        return refuse(Self.lengthMismatch(received: received, declared: length), feed)
                    }
                    checks.update(piece)
                    if !gate.isReleased, !feed.yield(piece) { await gate.wait() }
                }
            }
        } catch {
            feed.fail(error)
            return .broken
        }
        if var finished = decoder {
            do throws(AWSChunkedDecoder.Failure) {
                try finished.finish()
            } catch {
                return refuse(Self.cloudError(error), feed)
            }
            for algorithm in BodyChecks.Algorithm.allCases {
                if let value = finished.trailers[algorithm.header] { checks.expected[algorithm] = value }
            }
            decoder = finished
        }
        guard received == length else { return refuse(Self.lengthMismatch(received: received, declared: length), feed) }
        switch checks.finish() {
        case .success(let computed):
            feed.finish(trailers: Dictionary(uniqueKeysWithValues: computed.map { ($0.key.header, $0.value) }))
            return .complete(computed)
        case .failure(let error):
            return refuse(error, feed)
        }
    }

    private func refuse(_ error: CloudError, _ feed: PayloadFeed) -> Outcome {
        feed.fail(error)
        return .refused(error)
    }

    private static func lengthMismatch(received: Int, declared: Int) -> CloudError {
        CloudError(
            code: "IncompleteBody",
            message: "The body has \(received) bytes where its declared length is \(declared).")
    }

    private static func cloudError(_ failure: AWSChunkedDecoder.Failure) -> CloudError {
        switch failure {
        case .malformed(let detail):
            CloudError(code: "InvalidChunkSizeError", message: "The aws-chunked body is malformed: \(detail).")
        case .signature:
            CloudError(
                code: "SignatureDoesNotMatch",
                message: "A chunk's signature does not match the one calculated from its data.", status: 403)
        }
    }
}

/// Wakes the pump when the reader wants more: `open` may come before `wait`, from any thread. Once the
/// service has answered (`release`), nobody will read on: the pump stops waiting and throws the rest of the
/// body away, so a request the service refused before reading its payload still gets its answer.
final class ResumeGate: Sendable {
    private let state = Mutex<(isOpen: Bool, released: Bool, waiter: CheckedContinuation<Void, Never>?)>(
        (false, false, nil))

    func open() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.isOpen = true
            return nil
        }
        waiter?.resume()
    }

    /// The service answered: no chunk will be read any more.
    func release() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.released = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    var isReleased: Bool { state.withLock { $0.released } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.isOpen || state.released {
                    state.isOpen = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
