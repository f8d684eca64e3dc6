import API
import Foundation
import Store

extension QueueService {
    /// Where a dead-letter copy keeps the ARN of the queue it came from, among its attributes (a reserved
    /// name no user attribute may have), so a move task can send it back.
    static let deadLetterSourceKey = MessageRules.systemPrefix + "DeadLetterSourceQueue"

    /// The writes that move one message to queue `destination`: its copy there (same id, body, attributes
    /// and send time; received 0 times; visible now) and a tombstone where it was. Committed together, a move
    /// is one transaction in every partition: the message is never in both queues, nor in neither.
    ///
    /// - Parameter deadLetterSource: the source queue's ARN to remember (a move to a dead-letter queue), or
    ///   nil to forget it (a move out of one).
    func move(
        _ row: MessageRow, _ entry: QueueIndex.Entry, to destination: String, now: Double, deadLetterSource: String?
    ) async -> (writes: [MessageWrite], entry: QueueIndex.Entry) {
        var copy = row
        let sequence = await engine.takeSequence()
        copy.queue = destination
        copy.sequence = sequence
        copy.visibleAt = now
        copy.receiveCount = 0
        copy.firstReceiveAt = nil
        // The destination may hold a tombstone of this very message (it came from there): the copy must be
        // newer than anything it had. Microseconds of the clock outrun any count of changes.
        copy.version = max(entry.version + 1, Int64(now * 1_000_000))
        var attributes =
            row.attributes.flatMap { try? AWSCoding.decode(WireMap<MessageAttributeValue>.self, fromJSON: Array($0)) }
            ?? WireMap()
        attributes[Self.deadLetterSourceKey] = deadLetterSource.map {
            MessageAttributeValue(dataType: "String", stringValue: $0)
        }
        copy.attributes = attributes.isEmpty ? nil : try? Data(AWSCoding.encode(attributes))
        let moved = QueueIndex.Entry(
            sequence: sequence, sentAt: entry.sentAt, visibleAt: now, receiveCount: 0, firstReceiveAt: nil,
            version: copy.version, size: entry.size)
        return ([.put(copy), .delete(queue: row.queue, id: row.id, version: entry.version + 1, at: now)], moved)
    }

    /// The queue a dead-letter copy came from, if it remembers one.
    static func deadLetterSource(of row: MessageRow) -> String? {
        row.attributes.flatMap { try? AWSCoding.decode(WireMap<MessageAttributeValue>.self, fromJSON: Array($0)) }?[
            deadLetterSourceKey]?.stringValue
    }
}
