import API
import Foundation
import IaasTesting
import Store
import Testing

@testable import Services

@Suite("SQS message digests")
struct MessageDigestTests {
    private func string(_ value: String) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "String", stringValue: value)
    }

    @Test("MD5OfMessageBody is the MD5 of the UTF-8 body")
    func body() {
        #expect(MessageDigest.body("test") == "098f6bcd4621d373cade4e832627b4f6")
    }

    /// Vectors recorded from real AWS (LocalStack's snapshots) and the SDKs' tests.
    @Test("MD5OfMessageAttributes matches AWS on recorded vectors")
    func attributes() {
        #expect(MessageDigest.attributes(["Hello": string("There")]) == "a311262e065454b75da111d535b8dacd")
        #expect(
            MessageDigest.attributes(["General": string("Kenobi"), "Hello": string("There"), "Help.Me": string("Me")])
                == "4c360f3fdafd970e05fae2f149d997f5")
        #expect(
            MessageDigest.attributes([
                "timestamp": MessageAttributeValue(dataType: "Number", stringValue: "1493147359900")
            ]) == "235c5c510d26fb653d073faed50ae77c")
        #expect(
            MessageDigest.attributes([
                "test_attribute_name_2": string("test_attribute_value_2"),
                "test_attribute_name_1": string("test_attribute_value_1"),
            ]) == "d53f3b558fe951154770f25cb63dbba9")
        let binary = Data("test_attribute_value".utf8).base64EncodedString()
        #expect(
            MessageDigest.attributes([
                "test_attribute_name": MessageAttributeValue(dataType: "Binary", binaryValue: binary)
            ]) == "23f6bd27ea87aab7dfeadcc9aebee495")
        #expect(MessageDigest.attributes([:]) == nil)
    }
}

@Suite("SQS rules")
struct MessagingRulesTests {
    @Test("bodies: SQS's character set, the size limit counting attributes")
    func bodies() throws {
        #expect(try MessageRules.validate(body: "a\tb\nc\r", attributes: [:], maximumSize: 1024) == 6)
        #expect(
            thrown { () throws(CloudError) in
                _ = try MessageRules.validate(body: "\u{0}", attributes: [:], maximumSize: 1024)
            }?.code == "InvalidMessageContents")
        #expect(
            thrown { () throws(CloudError) in
                _ = try MessageRules.validate(body: "\u{FFFE}", attributes: [:], maximumSize: 1024)
            }?.code == "InvalidMessageContents")
        #expect(MessageRules.isAllowed("emoji 🚀 and ü"))
        let attribute = [
            "name": MessageAttributeValue(dataType: "String", stringValue: String(repeating: "v", count: 10))
        ]
        // 1014 + 4 + 6 + 10 = 1034 > 1024.
        let error = thrown { () throws(CloudError) in
            _ = try MessageRules.validate(
                body: String(repeating: "b", count: 1014), attributes: attribute, maximumSize: 1024)
        }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message.contains("shorter than 1024 bytes") == true)
    }

    @Test(
        "attributes: names, types and values as AWS allows them",
        arguments: [
            ("AWS.reserved", "String", "v"), (".dot", "String", "v"), ("a..b", "String", "v"), ("ok", "Date", "v"),
            ("ok", "Number", "twelve"), ("ok", "String", ""),
        ])
    func badAttributes(name: String, type: String, value: String) {
        let attributes = [name: MessageAttributeValue(dataType: type, stringValue: value)]
        #expect(
            thrown { () throws(CloudError) in
                _ = try MessageRules.validate(body: "b", attributes: attributes, maximumSize: 1024)
            }?
            .code == "InvalidParameterValue")
    }

    @Test("queue names and attributes")
    func queues() throws {
        try QueueName.validate("Orders_2-final")
        #expect(thrown { () throws(CloudError) in try QueueName.validate("a b") }?.code == "InvalidParameterValue")
        #expect(
            thrown { () throws(CloudError) in try QueueName.validate("q.fifo") }?.code
                == "AWS.SimpleQueueService.UnsupportedOperation")
        var attributes = QueueAttributes()
        try attributes.apply(["VisibilityTimeout": "0", "MessageRetentionPeriod": "1209600", "Policy": "{}"])
        #expect(attributes.visibilityTimeout == 0 && attributes.messageRetentionPeriod == 1_209_600)
        #expect(QueueAttributes(stored: attributes.stored) == attributes)
        for (name, value) in [("DelaySeconds", "901"), ("MaximumMessageSize", "1023"), ("VisibilityTimeout", "x")] {
            #expect(
                thrown { () throws(CloudError) in try attributes.apply(WireMap([name: value])) }?.code
                    == "InvalidAttributeValue")
        }
        #expect(
            thrown { () throws(CloudError) in try attributes.apply(["FifoQueue": "true"]) }?.code
                == "AWS.SimpleQueueService.UnsupportedOperation")
    }

    @Test("batch entries: 1 to 10, distinct ids of at most 80 letters, digits, - and _")
    func batches() throws {
        try BatchRules.validate(ids: ["a", "B-2", "c_3"], entryName: "E")
        let cases: [([String], String)] = [
            ([], "AWS.SimpleQueueService.EmptyBatchRequest"),
            ((0..<11).map { "e\($0)" }, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"),
            (["a", "a"], "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"),
            ([String(repeating: "i", count: 81)], "AWS.SimpleQueueService.InvalidBatchEntryId"),
            (["no!"], "AWS.SimpleQueueService.InvalidBatchEntryId"),
        ]
        for (ids, code) in cases {
            #expect(thrown { () throws(CloudError) in try BatchRules.validate(ids: ids, entryName: "E") }?.code == code)
        }
    }

    @Test("receipt handles name their queue, message and receive; anything else is invalid")
    func receiptHandles() throws {
        let handle = ReceiptHandle(queue: "sqs-1", messageId: "m-1", version: 7)
        #expect(try ReceiptHandle(parsing: handle.string, queue: "sqs-1") == handle)
        for garbage in ["garbage", "", handle.string + "x", Data("sqs-1 m-1".utf8).base64EncodedString()] {
            #expect(
                thrown { () throws(CloudError) in _ = try ReceiptHandle(parsing: garbage, queue: "sqs-1") }?.code
                    == "ReceiptHandleIsInvalid")
        }
        #expect(
            thrown { () throws(CloudError) in _ = try ReceiptHandle(parsing: handle.string, queue: "sqs-2") }?.code
                == "ReceiptHandleIsInvalid")
    }

    @Test("queue URLs: AWS's form and a local endpoint's")
    func urls() throws {
        let url = try QueueURL(
            parsing: "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", defaultRegion: "us-east-1")
        #expect(url == QueueURL(region: "eu-west-1", account: "123456789012", name: "jobs"))
        #expect(url.arn == "arn:aws:sqs:eu-west-1:123456789012:jobs")
        let local = try QueueURL(parsing: "http://localhost:4566/000000000000/jobs", defaultRegion: "us-east-1")
        #expect(local.region == "us-east-1" && local.name == "jobs")
        #expect(
            thrown { () throws(CloudError) in _ = try QueueURL(parsing: "jobs", defaultRegion: "us-east-1") } != nil)
    }
}

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

    @Test("messages sent before a time: exclusive for retention, inclusive for a purge")
    func sentBefore() {
        var index = QueueIndex()
        for (id, sentAt) in [("old", 10.0), ("edge", 20.0), ("new", 30.0)] {
            var entry = entry(1)
            entry.sentAt = sentAt
            index.put(id, entry)
        }
        #expect(Set(index.sent(before: 20, inclusive: false)) == ["old"])
        #expect(Set(index.sent(before: 20, inclusive: true)) == ["old", "edge"])
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

@Suite("SQS redrive policies")
struct RedrivePolicyTests {
    @Test("a RedrivePolicy takes maxReceiveCount as a number or a string, from 1 to 1000")
    func redrive() throws {
        let arn = "arn:aws:sqs:us-east-1:000000000000:dlq"
        let number = try RedrivePolicy(parsing: #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":5}"#)
        let string = try RedrivePolicy(parsing: #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":"5"}"#)
        #expect(number == string)
        #expect(try RedrivePolicy(parsing: number.text) == number)
        for bad in [
            #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":1001}"#, #"{"maxReceiveCount":5}"#, "[]",
            #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":5,"colour":"red"}"#,
        ] {
            #expect(
                thrown { () throws(CloudError) in _ = try RedrivePolicy(parsing: bad) }?.code == "InvalidParameterValue"
            )
        }
    }

    @Test("a RedriveAllowPolicy allows all, none, or the queues it lists")
    func allow() throws {
        let source = "arn:aws:sqs:us-east-1:000000000000:src"
        #expect(try RedriveAllowPolicy(parsing: #"{"redrivePermission":"allowAll"}"#).allows(source))
        #expect(try !RedriveAllowPolicy(parsing: #"{"redrivePermission":"denyAll"}"#).allows(source))
        let byQueue = try RedriveAllowPolicy(
            parsing: #"{"redrivePermission":"byQueue","sourceQueueArns":["\#(source)"]}"#)
        #expect(byQueue.allows(source))
        #expect(!byQueue.allows(source + "2"))
        #expect(try RedriveAllowPolicy(parsing: byQueue.text) == byQueue)
        #expect(
            thrown { () throws(CloudError) in _ = try RedriveAllowPolicy(parsing: #"{"redrivePermission":"byQueue"}"#) }
                != nil)
        #expect(QueueURL(arn: source) == QueueURL(region: "us-east-1", account: "000000000000", name: "src"))
        #expect(QueueURL(arn: "arn:aws:s3:::bucket") == nil)
    }
}

@Suite("SQS repair at start")
final class MessagingRepairTests {
    let temporary: ScratchDirectory

    init() throws {
        temporary = try ScratchDirectory()
    }

    private func row(_ id: String, version: Int64 = 1) -> MessageRow {
        MessageRow(
            queue: "q", id: id, sequence: 1, body: Data("b".utf8), attributes: nil, md5OfBody: "", md5OfAttributes: nil,
            sentAt: 1, visibleAt: 1, receiveCount: 0, firstReceiveAt: nil, version: version, deleted: false)
    }

    @Test("a partition that missed a delete gets its tombstone, one that missed a receive its state")
    func repair() async throws {
        let partitions = try (0..<3).map { index in
            try MessagePartition(zone: "z\(index)", path: temporary.path.appending("p\(index).sqlite"))
        }
        defer { for partition in partitions { try? partition.close() } }
        for partition in partitions { try await partition.apply([.put(row("deleted")), .put(row("received"))]) }
        // The delete and the receive reached two partitions before a crash; the third missed both.
        for partition in partitions.prefix(2) {
            try await partition.apply([
                .delete(queue: "q", id: "deleted", version: 2, at: 5),
                .state(queue: "q", id: "received", visibleAt: 50, receiveCount: 1, firstReceiveAt: 20, version: 2),
            ])
        }
        var copies: [(committer: GroupCommitter, states: [MessageState])] = []
        for partition in partitions {
            copies.append((GroupCommitter(partition: partition), try await partition.states()))
        }
        let merged = MessagingReconciler.merge(copies.map(\.states))
        #expect(try await MessagingReconciler.repair(copies, toward: merged) == 2)
        let third = Dictionary(uniqueKeysWithValues: try await partitions[2].states().map { ($0.id, $0) })
        #expect(third["deleted"]?.deleted == true)
        #expect(third["received"]?.receiveCount == 1 && third["received"]?.version == 2)
        // A second repair finds nothing to do.
        var again: [(committer: GroupCommitter, states: [MessageState])] = []
        for partition in partitions {
            again.append((GroupCommitter(partition: partition), try await partition.states()))
        }
        #expect(try await MessagingReconciler.repair(again, toward: merged) == 0)
    }
}
