import Store
import Testing

@testable import Services

@Suite("SQS FIFO: message groups and the deduplication window")
struct FifoIndexTests {
    private func entry(_ sequence: Int64, group: String, visibleAt: Double = 0) -> QueueIndex.Entry {
        QueueIndex.Entry(
            sequence: sequence, sentAt: 0, visibleAt: visibleAt, receiveCount: 0, firstReceiveAt: nil, version: 1,
            size: 1, group: group)
    }

    @Test("a group is received in order, and not at all while a message of it is in flight")
    func groupLock() {
        var index = QueueIndex(fifo: true)
        for n in 1...3 { index.put("a\(n)", entry(Int64(n), group: "a")) }
        index.put("b1", entry(4, group: "b"))
        #expect(index.receive(limit: 2, now: 1, visibility: 30).map(\.id) == ["a1", "a2"])
        // a3 is visible, but its group has messages in flight: only b1.
        #expect(index.receive(limit: 10, now: 2, visibility: 30).map(\.id) == ["b1"])
        #expect(index.receive(limit: 10, now: 3, visibility: 30).isEmpty)
        // Deleting a1 leaves a2 in flight: still locked.
        index.remove("a1")
        #expect(index.receive(limit: 10, now: 4, visibility: 30).isEmpty)
        index.remove("a2")
        #expect(index.receive(limit: 10, now: 5, visibility: 30).map(\.id) == ["a3"])
    }

    @Test("a message back from its timeout is received again before the rest of its group")
    func redeliveryKeepsOrder() {
        var index = QueueIndex(fifo: true)
        for n in 1...3 { index.put("m\(n)", entry(Int64(n), group: "g")) }
        #expect(index.receive(limit: 1, now: 0, visibility: 10).map(\.id) == ["m1"])
        #expect(index.nextVisibleAt() == 10)
        #expect(index.receive(limit: 10, now: 9, visibility: 10).isEmpty)
        let again = index.receive(limit: 10, now: 10, visibility: 10)
        #expect(again.map(\.id) == ["m1", "m2", "m3"])
        #expect(again[0].entry.receiveCount == 2)
        // A visibility change to 0 of the head unlocks nothing while m2 and m3 are still in flight.
        _ = index.setVisibility("m1", visibleAt: 10)
        #expect(index.receive(limit: 10, now: 11, visibility: 10).isEmpty)
    }

    @Test("groups are served oldest first; a delayed head holds its group")
    func groupsOldestFirst() {
        var index = QueueIndex(fifo: true)
        index.put("y1", entry(5, group: "y"))
        index.put("x1", entry(2, group: "x"))
        index.put("z1", entry(1, group: "z", visibleAt: 100))
        index.put("z2", entry(3, group: "z"))
        #expect(index.receive(limit: 10, now: 1, visibility: 1000).map(\.id) == ["x1", "y1"])
        #expect(index.receive(limit: 10, now: 100, visibility: 1000).map(\.id) == ["z1", "z2"])
    }

    @Test("a message put back after a failed delete is not taken twice")
    func putBack() {
        var index = QueueIndex(fifo: true)
        index.put("m1", entry(1, group: "g"))
        index.put("m2", entry(2, group: "g"))
        let removed = index.remove("m2")!
        index.put("m2", removed)
        #expect(index.receive(limit: 10, now: 0, visibility: 30).map(\.id) == ["m1", "m2"])
    }

    @Test("many groups and a long one: receive costs stay flat and every message comes once, in order")
    func manyGroups() {
        var index = QueueIndex(fifo: true)
        var sequence: Int64 = 0
        for n in 0..<5000 {
            sequence += 1
            index.put("g\(n % 50)-\(n)", entry(sequence, group: "g\(n % 50)"))
        }
        var seen: [String: [Int]] = [:]
        var now = 0.0
        while true {
            let taken = index.receive(limit: 10, now: now, visibility: 30)
            if taken.isEmpty { break }
            for (id, _) in taken {
                let parts = id.split(separator: "-")
                seen[String(parts[0]), default: []].append(Int(parts[1])!)
                index.remove(id)
            }
            now += 0.001
        }
        #expect(seen.values.reduce(0) { $0 + $1.count } == 5000)
        #expect(seen.values.allSatisfy { $0 == $0.sorted() })
    }

    @Test("deduplication: first send wins for five minutes, pending keys wait, failed sends free their key")
    func deduplication() {
        var window = DeduplicationWindow()
        #expect(window.claim("k", messageId: "m1", sequence: 1, now: 0) == .claimed)
        #expect(window.claim("k", messageId: "m2", sequence: 2, now: 1) == .pending)
        window.release("k", messageId: "m1")
        #expect(window.claim("k", messageId: "m2", sequence: 2, now: 1) == .claimed)
        window.confirm("k")
        let first = DeduplicationWindow.Record(messageId: "m2", sequence: 2, at: 1, pending: false)
        #expect(window.claim("k", messageId: "m3", sequence: 3, now: 300) == .duplicate(first))
        #expect(window.claim("k", messageId: "m4", sequence: 4, now: 301.5) == .claimed)
        window.confirm("k")
        window.restore(DeduplicationRow(queue: "q", key: "r", messageId: "old", sequence: 0, at: 400))
        #expect(window.claim("r", messageId: "m5", sequence: 5, now: 500) != .claimed)
        window.expire(now: 800)
        #expect(window.count == 0)
    }
}
