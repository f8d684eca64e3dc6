import Foundation
import Store

/// The live state of every queue's messages, in memory: their delivery state (`QueueIndex`), the order of
/// sends, and the receivers long-polling each queue. The partitions are the durable truth; this is rebuilt
/// from them at start and kept in step by `QueueService`, which writes to them first.
actor MessageEngine {
    /// A queue as message actions need it, cached so they cost no control-plane query.
    struct Queue: Sendable {
        var id: String
        var url: QueueURL
        var attributes: QueueAttributes
        var createdAt: Double
        var lastModifiedAt: Double
        var purgedAt: Double?
        var purgeSequence: Int64?
    }

    private var queues: [String: Queue] = [:]
    private var byURL: [QueueURL: String] = [:]
    private var indexes: [String: QueueIndex] = [:]
    private var nextSequence: Int64 = 1
    private var waiters: [String: [UUID: Waiter]] = [:]
    /// The deduplication windows of FIFO queues.
    private var deduplication: [String: DeduplicationWindow] = [:]
    /// FIFO receives by `ReceiveRequestAttemptId` (queue id, attempt id), for five minutes: a retry gets the
    /// same messages while they are in flight. In memory: a restart forgets them, and a retry then
    /// receives afresh.
    private var attempts: [String: [String: ReceiveAttempt]] = [:]

    struct ReceiveAttempt: Sendable {
        var messages: [(id: String, receiveVersion: Int64)]
        var at: Double
    }

    // MARK: - Queues

    func register(_ queue: Queue) {
        queues[queue.id] = queue
        byURL[queue.url] = queue.id
        if indexes[queue.id] == nil { indexes[queue.id] = QueueIndex(fifo: queue.attributes.fifoQueue) }
    }

    func queue(_ url: QueueURL) -> Queue? {
        byURL[url].flatMap { queues[$0] }
    }

    func queue(id: String) -> Queue? { queues[id] }

    var allQueues: [Queue] { Array(queues.values) }

    func update(_ id: String, _ change: (inout Queue) -> Void) {
        guard var queue = queues[id] else { return }
        change(&queue)
        queues[id] = queue
    }

    /// Forgets a queue and its messages; long-polling receivers of it return empty.
    func drop(_ id: String) {
        if let queue = queues.removeValue(forKey: id) { byURL.removeValue(forKey: queue.url) }
        indexes.removeValue(forKey: id)
        deduplication.removeValue(forKey: id)
        attempts.removeValue(forKey: id)
        wake(id)
    }

    // MARK: - Messages

    /// The sequence the next send will take: every message in the index has a lower one.
    var currentSequence: Int64 { nextSequence }

    /// Makes sure no later send takes a sequence at or below `sequence` (a purge's mark survives restarts
    /// even when no message of that time does).
    func reserveSequences(through sequence: Int64) {
        nextSequence = max(nextSequence, sequence + 1)
    }

    func takeSequence() -> Int64 {
        defer { nextSequence += 1 }
        return nextSequence
    }

    /// Rebuilds the index from merged partition states (the highest version of each message wins; a
    /// tombstone is a delete).
    func load(_ states: [MessageState], now: Double) {
        for state in states {
            nextSequence = max(nextSequence, state.sequence + 1)
            guard !state.deleted, indexes[state.queue] != nil else { continue }
            indexes[state.queue]!.put(
                state.id,
                QueueIndex.Entry(
                    sequence: state.sequence, sentAt: state.sentAt, visibleAt: state.visibleAt,
                    receiveCount: state.receiveCount, firstReceiveAt: state.firstReceiveAt, version: state.version,
                    size: state.bodySize, receiveVersion: state.version, group: state.groupId))
            indexes[state.queue]!.restoreInFlight(state.id, now: now)
        }
    }

    // MARK: - Deduplication (FIFO)

    /// Claims a deduplication key for a send about to commit; see `DeduplicationWindow`.
    func claimDeduplication(
        _ queue: String, key: String, messageId: String, sequence: Int64, now: Double
    ) -> DeduplicationWindow.Claim {
        deduplication[queue, default: DeduplicationWindow()].claim(
            key, messageId: messageId, sequence: sequence, now: now)
    }

    func confirmDeduplication(_ queue: String, key: String) {
        deduplication[queue]?.confirm(key)
    }

    func releaseDeduplication(_ queue: String, key: String, messageId: String) {
        deduplication[queue]?.release(key, messageId: messageId)
    }

    /// Rebuilds the windows from the keys the partitions remember (their union: a key committed by a
    /// majority is in every majority).
    func restoreDeduplication(_ rows: [DeduplicationRow]) {
        for row in rows.sorted(by: { $0.at < $1.at }) where queues[row.queue] != nil {
            deduplication[row.queue, default: DeduplicationWindow()].restore(row)
        }
    }

    func expireDeduplication(now: Double) {
        for queue in deduplication.keys { deduplication[queue]!.expire(now: now) }
        for queue in attempts.keys {
            attempts[queue] = attempts[queue]!.filter { now - $0.value.at < DeduplicationWindow.seconds }
        }
    }

    /// The messages an earlier receive with this attempt id took, if every one is still in flight from it.
    func repeatedAttempt(_ queue: String, _ attempt: String, now: Double) -> [(id: String, entry: QueueIndex.Entry)]? {
        guard let known = attempts[queue]?[attempt], now - known.at < DeduplicationWindow.seconds,
            let index = indexes[queue]
        else { return nil }
        let entries = known.messages.compactMap { message in
            index.entries[message.id].flatMap { entry in
                entry.receiveVersion == message.receiveVersion && entry.visibleAt > now ? (message.id, entry) : nil
            }
        }
        return entries.count == known.messages.count ? entries : nil
    }

    func recordAttempt(
        _ queue: String, _ attempt: String, _ taken: [(id: String, entry: QueueIndex.Entry)], now: Double
    ) {
        attempts[queue, default: [:]][attempt] = ReceiveAttempt(
            messages: taken.map { ($0.id, $0.entry.receiveVersion) }, at: now)
    }

    func add(_ queue: String, _ id: String, _ entry: QueueIndex.Entry) {
        indexes[queue]?.put(id, entry)
        wake(queue)
    }

    /// Takes visible messages; nil when the queue already has `maxInFlight` messages in flight.
    func receive(
        _ queue: String, limit: Int, now: Double, visibility: Double, maxInFlight: Int
    ) -> [(id: String, entry: QueueIndex.Entry)]? {
        guard indexes[queue] != nil else { return [] }
        let room = maxInFlight - indexes[queue]!.inFlightCount(now: now)
        guard room > 0 else { return nil }
        return indexes[queue]!.receive(limit: min(limit, room), now: now, visibility: visibility)
    }

    func oldest(_ queue: String, limit: Int) -> [(id: String, entry: QueueIndex.Entry)] {
        indexes[queue]?.oldest(limit) ?? []
    }

    /// Removes a message; returns its state before, nil if it was not there.
    func remove(_ queue: String, _ id: String) -> QueueIndex.Entry? {
        indexes[queue]?.remove(id)
    }

    enum VisibilityChange: Sendable {
        case changed(QueueIndex.Entry)
        /// The handle is of an earlier receive, or the message is no longer in flight: nothing changes, as
        /// in AWS.
        case unchanged
        case gone
    }

    /// ChangeMessageVisibility for the receive `receiveVersion`: checked and applied in one step, so no
    /// receive can come between.
    func changeVisibility(
        _ queue: String, _ id: String, receiveVersion: Int64, visibleAt: Double, now: Double
    ) -> VisibilityChange {
        guard let entry = indexes[queue]?.entries[id] else { return .gone }
        guard entry.receiveVersion == receiveVersion, entry.visibleAt > now else { return .unchanged }
        guard let changed = setVisibility(queue, id, visibleAt: visibleAt) else { return .gone }
        return .changed(changed)
    }

    /// Removes the messages whose send sequence is below `sequence` (a purge); returns their ids.
    func removeSequenced(_ queue: String, before sequence: Int64) -> [String] {
        guard let ids = indexes[queue]?.sequenced(before: sequence) else { return [] }
        for id in ids { indexes[queue]!.remove(id) }
        return ids
    }

    /// Sets when a message becomes visible again; returns its new state, nil if it is gone.
    func setVisibility(_ queue: String, _ id: String, visibleAt: Double) -> QueueIndex.Entry? {
        let entry = indexes[queue]?.setVisibility(id, visibleAt: visibleAt)
        if entry != nil { wake(queue) }
        return entry
    }

    func counts(_ queue: String, now: Double) -> (visible: Int, notVisible: Int, delayed: Int) {
        guard indexes[queue] != nil else { return (0, 0, 0) }
        return indexes[queue]!.counts(now: now)
    }

    /// Removes the messages sent before `time` (retention); returns their ids.
    func expire(_ queue: String, sentBefore time: Double) -> [String] {
        guard indexes[queue] != nil else { return [] }
        return indexes[queue]!.expire(sentBefore: time)
    }

    /// Every message of every queue, for a partition catching up.
    func snapshot() -> [(queue: String, id: String, entry: QueueIndex.Entry)] {
        indexes.flatMap { queue, index in index.entries.map { (queue, $0.key, $0.value) } }
    }

    // MARK: - Long polling

    /// Returns when a message may have become visible in `queue`, or at `deadline`, whichever is first.
    func waitForMessages(_ queue: String, until deadline: Double, now: Double) async {
        let next = indexes[queue]?.nextVisibleAt() ?? .infinity
        let wakeAt = min(deadline, next)
        guard wakeAt > now else { return }
        let token = UUID()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let timer = Task {
                try? await Task.sleep(for: .milliseconds(Int((wakeAt - now) * 1000) + 1))
                self.resume(queue, token)
            }
            waiters[queue, default: [:]][token] = Waiter(continuation: continuation, timer: timer)
        }
    }

    /// A long-polling receiver: how to wake it, and the timer to cancel when something else does, so
    /// many pollers woken early leave no sleeping tasks behind.
    struct Waiter {
        var continuation: CheckedContinuation<Void, Never>
        var timer: Task<Void, Never>
    }

    private func resume(_ queue: String, _ token: UUID) {
        waiters[queue]?.removeValue(forKey: token)?.continuation.resume()
    }

    private func wake(_ queue: String) {
        guard let waiting = waiters.removeValue(forKey: queue) else { return }
        for waiter in waiting.values {
            waiter.timer.cancel()
            waiter.continuation.resume()
        }
    }
}
