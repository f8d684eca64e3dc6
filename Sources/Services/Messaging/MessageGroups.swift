import DequeModule
import HeapModule

/// The message groups of a FIFO queue: each group's messages in send order, and a heap of groups by when
/// each can next be received from, so a receive costs O(log groups) whatever the backlog.
///
/// A group can be received from when its first message is visible and none of its messages is in flight.
/// Receives take from the head of a group, so the messages in flight are always a prefix of it: checking
/// that prefix is enough, and it is short (a receive takes at most ten).
///
/// Like `QueueIndex`, lazy: a removed message stays in its group's list until it reaches the head, and a
/// group's earlier heap entries are skipped by their version.
struct MessageGroups: Sendable {
    private struct Member: Sendable {
        var sequence: Int64
        var id: String
    }

    private struct Group: Sendable {
        var members = Deque<Member>()
        var version: Int64 = 0
    }

    private struct Ready: Comparable, Sendable {
        var at: Double
        var headSequence: Int64
        var group: String
        var version: Int64

        static func < (lhs: Ready, rhs: Ready) -> Bool {
            (lhs.at, lhs.headSequence) < (rhs.at, rhs.headSequence)
        }
    }

    private var groups: [String: Group] = [:]
    private var heap = Heap<Ready>()

    var count: Int { groups.count }

    /// Adds a message to its group in send order (a message moved in from another queue may be older than
    /// the group's last), then reschedules the group.
    mutating func add(_ id: String, sequence: Int64, group: String, entries: [String: QueueIndex.Entry]) {
        var members = groups[group]?.members ?? []
        var index = members.endIndex
        while index > members.startIndex, members[index - 1].sequence > sequence { index -= 1 }
        members.insert(Member(sequence: sequence, id: id), at: index)
        groups[group, default: Group()].members = members
        refresh(group, entries: entries)
    }

    /// Reschedules a group after any change to one of its messages (received, deleted, made visible).
    mutating func refresh(_ group: String, entries: [String: QueueIndex.Entry]) {
        guard var state = groups[group] else { return }
        while let head = state.members.first, entries[head.id] == nil { state.members.removeFirst() }
        guard let head = state.members.first, let first = entries[head.id] else {
            groups[group] = nil
            return
        }
        var readyAt = first.visibleAt
        for member in state.members.dropFirst() {
            guard let entry = entries[member.id] else { continue }
            guard entry.receiveCount > 0 else { break }
            readyAt = max(readyAt, entry.visibleAt)
        }
        state.version += 1
        groups[group] = state
        heap.insert(Ready(at: readyAt, headSequence: head.sequence, group: group, version: state.version))
        compactIfNeeded(entries: entries)
    }

    /// The messages a receive may take at `now`, at most `limit`: from each ready group, oldest first, the
    /// visible messages at its head, in order. Returns the groups it took from, to refresh once taken.
    mutating func take(limit: Int, now: Double, entries: [String: QueueIndex.Entry]) -> (
        ids: [String], groups: [String]
    ) {
        var ids: [String] = []
        var seen = Set<String>()
        var touched: [String] = []
        while ids.count < limit, let top = heap.min, top.at <= now {
            heap.removeMin()
            guard let state = groups[top.group], state.version == top.version else { continue }
            touched.append(top.group)
            for member in state.members where ids.count < limit {
                guard let entry = entries[member.id] else { continue }
                guard entry.visibleAt <= now else { break }
                // A message deleted and put back (a delete that failed to commit) is listed twice.
                if seen.insert(member.id).inserted { ids.append(member.id) }
            }
        }
        return (ids, touched)
    }

    /// When the first group becomes ready, if any message exists.
    mutating func nextReadyAt() -> Double? {
        while let top = heap.min {
            if groups[top.group]?.version == top.version { return top.at }
            heap.removeMin()
        }
        return nil
    }

    private mutating func compactIfNeeded(entries: [String: QueueIndex.Entry]) {
        guard heap.count > 1024, heap.count > 4 * groups.count else { return }
        let names = Array(groups.keys)
        heap = Heap()
        for name in names { refresh(name, entries: entries) }
    }
}
