import API
import Foundation
import IaasTesting
import Store
import Testing

@testable import Services

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
        try QueueName.validate("Orders_2-final", fifo: false)
        try QueueName.validate("Orders.fifo", fifo: true)
        try QueueName.validate(String(repeating: "q", count: 75) + ".fifo", fifo: true)
        for (name, fifo) in [
            ("a b", false), ("q.fifo", false), ("q", true), (".fifo", true), ("a.b.fifo", true),
            (String(repeating: "q", count: 76) + ".fifo", true),
        ] {
            #expect(
                thrown { () throws(CloudError) in try QueueName.validate(name, fifo: fifo) }?.code
                    == "InvalidParameterValue", "\(name)")
        }
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
                == "InvalidAttributeValue")
        #expect(
            thrown { () throws(CloudError) in try attributes.apply(["ContentBasedDeduplication": "true"]) }?.code
                == "InvalidAttributeName")
        #expect(
            thrown { () throws(CloudError) in try attributes.apply(["KmsMasterKeyId": "alias/x"]) }?.code
                == "AWS.SimpleQueueService.UnsupportedOperation")
    }

    @Test("FIFO attributes: set at creation, kept, reported, checked")
    func fifoAttributes() throws {
        var attributes = QueueAttributes()
        try attributes.apply(
            ["FifoQueue": "true", "ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup"],
            creating: true)
        #expect(attributes.fifoQueue && attributes.contentBasedDeduplication)
        #expect(attributes.wire["FifoThroughputLimit"] == "perQueue")
        #expect(QueueAttributes(stored: attributes.stored) == attributes)
        try attributes.apply(["FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"])
        #expect(
            thrown { () throws(CloudError) in try attributes.apply(["FifoQueue": "false"]) }?.code
                == "InvalidAttributeValue")
        #expect(
            thrown { () throws(CloudError) in try attributes.apply(["DeduplicationScope": "queue"]) }?.code
                == "InvalidAttributeValue")
        #expect(
            thrown { () throws(CloudError) in try attributes.apply(["DeduplicationScope": "group"]) }?.code
                == "InvalidAttributeValue")
        #expect(QueueAttributes().wire["FifoQueue"] == nil)
    }

    @Test("FIFO sends: a group is required, a deduplication id given or derived from the body, no per-message delay")
    func fifoSends() throws {
        var fifo = QueueAttributes()
        try fifo.apply(["FifoQueue": "true"], creating: true)
        func code(_ body: () throws(CloudError) -> Void) -> String? { thrown(body)?.code }
        #expect(
            code { () throws(CloudError) in
                _ = try FifoRules.check(groupId: nil, deduplicationId: "d", delaySeconds: nil, body: "b", queue: fifo)
            } == "MissingParameter")
        #expect(
            code { () throws(CloudError) in
                _ = try FifoRules.check(groupId: "g", deduplicationId: nil, delaySeconds: nil, body: "b", queue: fifo)
            } == "InvalidParameterValue")
        #expect(
            code { () throws(CloudError) in
                _ = try FifoRules.check(groupId: "g", deduplicationId: "d", delaySeconds: 5, body: "b", queue: fifo)
            } == "InvalidParameterValue")
        for bad in ["", "with space", String(repeating: "x", count: 129), "é"] {
            #expect(
                code { () throws(CloudError) in
                    _ = try FifoRules.check(
                        groupId: bad, deduplicationId: "d", delaySeconds: nil, body: "b", queue: fifo)
                } == "InvalidParameterValue")
        }
        #expect(
            code { () throws(CloudError) in
                _ = try FifoRules.check(
                    groupId: "g", deduplicationId: "d", delaySeconds: nil, body: "b", queue: QueueAttributes())
            } == "InvalidParameterValue")
        try fifo.apply(["ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup"])
        let derived = try FifoRules.check(groupId: "g", deduplicationId: nil, delaySeconds: nil, body: "b", queue: fifo)
        // SHA-256 of "b".
        #expect(derived.deduplicationId == "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d")
        let other = try FifoRules.check(groupId: "h", deduplicationId: nil, delaySeconds: nil, body: "b", queue: fifo)
        #expect(derived.deduplicationKey != other.deduplicationKey)
        #expect(FifoRules.sequenceNumber(42) == "00000000000000000042")
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
