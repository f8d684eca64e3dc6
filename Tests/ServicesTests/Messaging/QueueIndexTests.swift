import API
import Foundation
import IaasTesting
import Store
import Testing

@testable import Services

@Suite("SQS queue index")
struct QueueIndexTests {
    private func entry(_ sequence: Int64, visibleAt: Double = 0) -> QueueIndex.Entry {
        QueueIndex.Entry(
            sequence: sequence, sentAt: 0, visibleAt: visibleAt, receiveCount: 0, firstReceiveAt: nil, version: 1,
            size: 1)
    }

    @Test("receives the earliest visible first, hides them, and brings them back at their deadline")
    func order() {
        var index = QueueIndex()
        index.put("late", entry(1, visibleAt: 50))
        index.put("b", entry(3))
        index.put("a", entry(2))
        #expect(index.receive(limit: 10, now: 10, visibility: 30).map(\.id) == ["a", "b"])
        #expect(index.receive(limit: 10, now: 20, visibility: 30).isEmpty)
        #expect(index.nextVisibleAt() == 40)
        let again = index.receive(limit: 10, now: 45, visibility: 30)
        #expect(again.map(\.id) == ["a", "b"])
        #expect(again.allSatisfy { $0.entry.receiveCount == 2 && $0.entry.firstReceiveAt == 10 })
        #expect(index.counts(now: 45) == (visible: 0, notVisible: 2, delayed: 1))
    }

    @Test("counts without a scan: delays end, receives hide, deletes and deadlines release")
    func counts() {
        var index = QueueIndex()
        var delayed = entry(1, visibleAt: 30)
        delayed.sentAt = 10
        index.put("delayed", delayed)
        var ready = entry(2, visibleAt: 10)
        ready.sentAt = 10
        index.put("ready", ready)
        #expect(index.counts(now: 15) == (visible: 1, notVisible: 0, delayed: 1))
        _ = index.receive(limit: 10, now: 15, visibility: 10)
        #expect(index.counts(now: 16) == (visible: 0, notVisible: 1, delayed: 1))
        #expect(index.counts(now: 31) == (visible: 2, notVisible: 0, delayed: 0), "the delay and the receive ended")
        index.remove("delayed")
        #expect(index.counts(now: 31) == (visible: 1, notVisible: 0, delayed: 0))
    }

    @Test("a visibility of 0 does not hand one message out twice in one receive")
    func zeroVisibility() {
        var index = QueueIndex()
        index.put("only", entry(1))
        #expect(index.receive(limit: 10, now: 1, visibility: 0).count == 1)
        #expect(index.receive(limit: 10, now: 1, visibility: 0).first?.entry.receiveCount == 2)
    }

    @Test("a removed message is never received, and the heap does not grow without bound")
    func removal() {
        var index = QueueIndex()
        for n in 0..<2000 { index.put("m\(n)", entry(Int64(n))) }
        for n in 0..<1999 { index.remove("m\(n)") }
        for round in 0..<10 { _ = index.receive(limit: 10, now: Double(round), visibility: 0) }
        #expect(index.receive(limit: 10, now: 100, visibility: 0).map(\.id) == ["m1999"])
        #expect(index.count == 1)
    }

    @Test("retention takes the messages sent before a time, by a heap of send times")
    func sentBefore() {
        var index = QueueIndex()
        for (id, sentAt) in [("old", 10.0), ("edge", 20.0), ("new", 30.0)] {
            var entry = entry(1)
            entry.sentAt = sentAt
            index.put(id, entry)
        }
        #expect(index.expire(sentBefore: 20) == ["old"])
        #expect(index.expire(sentBefore: 20).isEmpty, "expired once")
        #expect(index.expire(sentBefore: 31).sorted() == ["edge", "new"])
        #expect(index.count == 0)
    }

    @Test("the in-flight count follows receives, visibility changes, deletes and deadlines")
    func inFlight() {
        var index = QueueIndex()
        for n in 0..<4 { index.put("m\(n)", entry(Int64(n))) }
        _ = index.receive(limit: 3, now: 0, visibility: 10)
        #expect(index.inFlightCount(now: 1) == 3)
        index.remove("m0")
        #expect(index.inFlightCount(now: 1) == 2)
        _ = index.setVisibility("m1", visibleAt: 2)
        #expect(index.inFlightCount(now: 3) == 1, "m1 is visible again at 2")
        #expect(index.inFlightCount(now: 11) == 0)
    }

    @Test("merging partition copies keeps each message's highest version; a tombstone wins over older copies")
    func merge() {
        func state(_ id: String, version: Int64, deleted: Bool = false) -> MessageState {
            MessageState(
                queue: "q", id: id, sequence: 1, sentAt: 0, visibleAt: 0, receiveCount: Int(version) - 1,
                firstReceiveAt: nil, version: version, deleted: deleted, bodySize: 1)
        }
        let merged = MessagingReconciler.merge([
            [state("a", version: 1), state("b", version: 3, deleted: true)],
            [state("a", version: 2), state("b", version: 2)],
            [state("c", version: 1)],
        ])
        let byId = Dictionary(uniqueKeysWithValues: merged.map { ($0.id, $0) })
        #expect(byId["a"]?.version == 2)
        #expect(byId["b"]?.deleted == true)
        #expect(byId["c"] != nil, "a message one partition holds is kept: at-least-once")
    }
}
