import DequeModule
import Store

/// A FIFO queue's deduplication ids of the last five minutes: a send whose id is here is accepted and not
/// stored again, and answered with the message first sent under that id, even if it was deleted since.
///
/// A send claims its key before it commits, so two concurrent sends of one key cannot both store; the
/// second waits while the first is `pending`, then gets its answer (or the key back, if the first failed).
struct DeduplicationWindow: Sendable {
    /// AWS's deduplication interval.
    static let seconds: Double = 300

    struct Record: Sendable, Equatable {
        var messageId: String
        var sequence: Int64
        var at: Double
        var pending: Bool
    }

    enum Claim: Sendable, Equatable {
        /// The key is new: the send stores its message, then confirms.
        case claimed
        /// A message was sent with this key within the window.
        case duplicate(Record)
        /// A send with this key is committing now.
        case pending
    }

    private var records: [String: Record] = [:]
    /// Keys in the order they were claimed, so expiry costs O(expired), not a scan.
    private var order = Deque<(key: String, at: Double)>()

    var count: Int { records.count }

    mutating func claim(_ key: String, messageId: String, sequence: Int64, now: Double) -> Claim {
        expire(now: now)
        if let record = records[key] { return record.pending ? .pending : .duplicate(record) }
        records[key] = Record(messageId: messageId, sequence: sequence, at: now, pending: true)
        order.append((key, now))
        return .claimed
    }

    /// The send that claimed `key` committed.
    mutating func confirm(_ key: String) {
        records[key]?.pending = false
    }

    /// The send that claimed `key` failed: the key is free again.
    mutating func release(_ key: String, messageId: String) {
        if records[key]?.messageId == messageId, records[key]?.pending == true { records[key] = nil }
    }

    /// A key remembered by a partition (at start); the earliest send of it wins.
    mutating func restore(_ row: DeduplicationRow) {
        if let known = records[row.key], known.at <= row.at { return }
        records[row.key] = Record(messageId: row.messageId, sequence: row.sequence, at: row.at, pending: false)
        order.append((row.key, row.at))
    }

    /// Forgets keys older than the window.
    mutating func expire(now: Double) {
        let cutoff = now - Self.seconds
        while let first = order.first, first.at < cutoff {
            order.removeFirst()
            if let record = records[first.key], record.at == first.at, !record.pending { records[first.key] = nil }
        }
    }
}
