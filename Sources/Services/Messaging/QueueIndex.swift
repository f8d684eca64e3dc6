import HeapModule
import Store

/// What the daemon keeps in memory of one queue's messages: their delivery state (never their bodies), and
/// a heap ordered by when each may next be received, so a receive costs O(log n) whatever the backlog.
///
/// The heap is lazy: a change pushes a new entry and leaves the old one, which is skipped when it surfaces
/// because its version is no longer the message's.
///
/// A FIFO queue's index receives by message group instead (`MessageGroups`): in order within a group, and
/// never from a group that has a message in flight.
struct QueueIndex: Sendable {
    struct Entry: Sendable {
        var sequence: Int64
        var sentAt: Double
        var visibleAt: Double
        var receiveCount: Int
        var firstReceiveAt: Double?
        var version: Int64
        var size: Int
        /// The version the latest receive wrote: what its receipt handle names. Visibility changes raise
        /// `version` but not this, so one handle may change the visibility again and again (a heartbeat).
        var receiveVersion: Int64 = 0
        /// The message group, if the sender gave one.
        var group: String? = nil
    }

    private struct Ready: Comparable, Sendable {
        var visibleAt: Double
        var sequence: Int64
        var id: String
        var version: Int64

        static func < (lhs: Ready, rhs: Ready) -> Bool {
            (lhs.visibleAt, lhs.sequence) < (rhs.visibleAt, rhs.sequence)
        }
    }

    /// A receive's visibility deadline, for counting the messages in flight.
    private struct Deadline: Comparable, Sendable {
        var at: Double
        var id: String

        static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.at < rhs.at }
    }

    private(set) var entries: [String: Entry] = [:]
    /// Every message by when it may next be received (a standard queue only).
    private var heap = Heap<Ready>()
    /// The groups of a FIFO queue, nil for a standard one.
    private var groups: MessageGroups?
    /// Messages received and not yet visible again, with the deadline of their current receive; kept exact
    /// by `deadlines` (lazy, like `heap`) so the in-flight cap costs O(log n), not a scan.
    private var inFlight: [String: Double] = [:]
    private var deadlines = Heap<Deadline>()
    /// Messages sent with a delay and not received yet, with the end of their delay; kept like `inFlight`.
    private var delayedUntil: [String: Double] = [:]
    private var delayDeadlines = Heap<Deadline>()
    /// Every message by send time (lazy too), so retention finds the expired ones without a scan.
    private var sendTimes = Heap<Deadline>()

    init(fifo: Bool = false) {
        groups = fifo ? MessageGroups() : nil
    }

    var count: Int { entries.count }

    mutating func put(_ id: String, _ entry: Entry) {
        let known = entries[id]
        if known?.sentAt != entry.sentAt { sendTimes.insert(Deadline(at: entry.sentAt, id: id)) }
        entries[id] = entry
        if groups != nil {
            let group = entry.group ?? ""
            if known == nil {
                groups!.add(id, sequence: entry.sequence, group: group, entries: entries)
            } else {
                groups!.refresh(group, entries: entries)
            }
        } else {
            heap.insert(Ready(visibleAt: entry.visibleAt, sequence: entry.sequence, id: id, version: entry.version))
        }
        if entry.receiveCount == 0, entry.visibleAt > entry.sentAt, delayedUntil[id] != entry.visibleAt {
            delayedUntil[id] = entry.visibleAt
            delayDeadlines.insert(Deadline(at: entry.visibleAt, id: id))
        }
        compactIfNeeded()
    }

    @discardableResult
    mutating func remove(_ id: String) -> Entry? {
        inFlight.removeValue(forKey: id)
        delayedUntil.removeValue(forKey: id)
        let removed = entries.removeValue(forKey: id)
        if let removed, groups != nil { groups!.refresh(removed.group ?? "", entries: entries) }
        return removed
    }

    /// Sets when a message is visible again (ChangeMessageVisibility); nil if it is gone.
    mutating func setVisibility(_ id: String, visibleAt: Double) -> Entry? {
        guard var entry = entries[id] else { return nil }
        entry.version += 1
        entry.visibleAt = visibleAt
        put(id, entry)
        if inFlight[id] != nil { markInFlight(id, until: visibleAt) }
        return entry
    }

    /// After a restart: a message received before it and still invisible counts as in flight.
    mutating func restoreInFlight(_ id: String, now: Double) {
        guard let entry = entries[id], entry.receiveCount > 0, entry.visibleAt > now else { return }
        markInFlight(id, until: entry.visibleAt)
    }

    /// How many messages are in flight at `now`.
    mutating func inFlightCount(now: Double) -> Int {
        while let top = deadlines.min, top.at <= now {
            deadlines.removeMin()
            if inFlight[top.id] == top.at { inFlight.removeValue(forKey: top.id) }
        }
        return inFlight.count
    }

    private mutating func markInFlight(_ id: String, until deadline: Double) {
        inFlight[id] = deadline
        deadlines.insert(Deadline(at: deadline, id: id))
    }

    /// Takes up to `limit` messages visible at `now`, oldest deadline first, and makes each invisible until
    /// `now + visibility`; returns them with their new state.
    mutating func receive(limit: Int, now: Double, visibility: Double) -> [(id: String, entry: Entry)] {
        if groups != nil { return receiveByGroup(limit: limit, now: now, visibility: visibility) }
        var taken: [(String, Entry)] = []
        while taken.count < limit, let top = heap.min, top.visibleAt <= now {
            heap.removeMin()
            guard let entry = entries[top.id], entry.version == top.version else { continue }
            taken.append((top.id, markReceived(top.id, entry, now: now, visibility: visibility)))
        }
        // Back in the heap only now: with a visibility of 0 a message is visible again at once, and must not
        // be taken twice by one receive.
        for (id, entry) in taken {
            heap.insert(Ready(visibleAt: entry.visibleAt, sequence: entry.sequence, id: id, version: entry.version))
        }
        return taken
    }

    /// A FIFO receive: the visible heads of ready groups, in order; each group it took from is locked until
    /// its messages are deleted or visible again.
    private mutating func receiveByGroup(limit: Int, now: Double, visibility: Double) -> [(id: String, entry: Entry)] {
        let (ids, touched) = groups!.take(limit: limit, now: now, entries: entries)
        let taken = ids.compactMap { id in
            entries[id].map { (id, markReceived(id, $0, now: now, visibility: visibility)) }
        }
        for group in touched { groups!.refresh(group, entries: entries) }
        return taken
    }

    private mutating func markReceived(_ id: String, _ received: Entry, now: Double, visibility: Double) -> Entry {
        var entry = received
        delayedUntil.removeValue(forKey: id)
        entry.version += 1
        entry.receiveVersion = entry.version
        entry.receiveCount += 1
        entry.visibleAt = now + visibility
        if entry.firstReceiveAt == nil { entry.firstReceiveAt = now }
        entries[id] = entry
        markInFlight(id, until: entry.visibleAt)
        return entry
    }

    /// The earliest moment a message becomes visible, if any message exists.
    mutating func nextVisibleAt() -> Double? {
        if groups != nil { return groups!.nextReadyAt() }
        while let top = heap.min {
            if let entry = entries[top.id], entry.version == top.version { return top.visibleAt }
            heap.removeMin()
        }
        return nil
    }

    /// Counts for GetQueueAttributes: visible, in flight (received, invisible), delayed (never received,
    /// invisible), from the in-flight and delay trackers: O(log n) however long the queue, so an
    /// autoscaler polling them does not stall the queue's traffic.
    mutating func counts(now: Double) -> (visible: Int, notVisible: Int, delayed: Int) {
        let inFlight = inFlightCount(now: now)
        let delayed = delayedCount(now: now)
        return (entries.count - inFlight - delayed, inFlight, delayed)
    }

    /// How many messages were never received and are still waiting out their delay at `now`.
    mutating func delayedCount(now: Double) -> Int {
        while let top = delayDeadlines.min, top.at <= now {
            delayDeadlines.removeMin()
            if delayedUntil[top.id] == top.at { delayedUntil.removeValue(forKey: top.id) }
        }
        return delayedUntil.count
    }

    /// The `limit` oldest messages by send order: a sort of the index, for an operator's peek.
    func oldest(_ limit: Int) -> [(id: String, entry: Entry)] {
        entries.sorted { $0.value.sequence < $1.value.sequence }.prefix(limit).map { ($0.key, $0.value) }
    }

    /// Ids of messages with a send sequence below `sequence` (a purge: messages moved in later keep their
    /// first send time, so time cannot tell).
    func sequenced(before sequence: Int64) -> [String] {
        entries.compactMap { id, entry in entry.sequence < sequence ? id : nil }
    }

    /// Removes the messages sent before `time` (retention); returns their ids. O(k log n) for k expired.
    mutating func expire(sentBefore time: Double) -> [String] {
        var expired: [String] = []
        while let top = sendTimes.min, top.at < time {
            sendTimes.removeMin()
            guard entries[top.id]?.sentAt == top.at else { continue }
            remove(top.id)
            expired.append(top.id)
        }
        return expired
    }

    /// Rebuilds the heap when stale entries outnumber live ones, so a queue whose messages are received over
    /// and over does not grow it without bound.
    private mutating func compactIfNeeded() {
        if sendTimes.count > 1024, sendTimes.count > 4 * entries.count {
            sendTimes = Heap(entries.map { Deadline(at: $0.value.sentAt, id: $0.key) })
        }
        guard heap.count > 1024, heap.count > 4 * entries.count else { return }
        heap = Heap(
            entries.map { id, entry in
                Ready(visibleAt: entry.visibleAt, sequence: entry.sequence, id: id, version: entry.version)
            })
    }
}
