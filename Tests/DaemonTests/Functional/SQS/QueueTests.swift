import API
import Foundation
import IaasTesting
import Testing

@Suite("SQS queues and messages")
struct QueueTests {
    @Test func queuesAreCreatedListedConfiguredAndDeleted() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("orders", attributes: ["VisibilityTimeout": "45"])
        #expect(url == "https://sqs.us-east-1.amazonaws.com/000000000000/orders")
        // The same name and attributes: the same queue; other attributes: QueueAlreadyExists.
        #expect(try await client.createQueue("orders", attributes: ["VisibilityTimeout": "45"]) == url)
        #expect(
            await awsCode { _ = try await client.createQueue("orders", attributes: ["VisibilityTimeout": "46"]) }
                == "QueueAlreadyExists")
        for name in ["orders-2", "other"] { _ = try await client.createQueue(name) }
        let listed = try await client.call(Methods.listQueues, ListQueuesRequest(queueNamePrefix: "orders"))
        #expect(listed.queueUrls?.map { $0.split(separator: "/").last! } == ["orders", "orders-2"])
        let page = try await client.call(Methods.listQueues, ListQueuesRequest(maxResults: 2))
        #expect(page.queueUrls?.count == 2)
        let next = try await client.call(
            Methods.listQueues, ListQueuesRequest(maxResults: 2, nextToken: page.nextToken))
        #expect(next.queueUrls?.count == 1 && next.nextToken == nil)
        #expect(try await client.call(Methods.getQueueUrl, GetQueueUrlRequest(queueName: "orders")).queueUrl == url)

        _ = try await client.call(
            Methods.setQueueAttributes, SetQueueAttributesRequest(queueUrl: url, attributes: ["DelaySeconds": "5"]))
        let attributes = try await client.call(
            Methods.getQueueAttributes, GetQueueAttributesRequest(queueUrl: url, attributeNames: ["All"])
        ).attributes
        #expect(attributes?["DelaySeconds"] == "5")
        #expect(attributes?["VisibilityTimeout"] == "45")
        #expect(attributes?["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:orders")
        #expect(attributes?["MaximumMessageSize"] == "1048576")

        _ = try await client.call(Methods.deleteQueue, QueueRequest(queueUrl: url))
        #expect(await awsCode { _ = try await client.send(url, "x") } == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(
            await awsCode { _ = try await client.createQueue("orders") }
                == "AWS.SimpleQueueService.QueueDeletedRecently")
        await fixture.stop()
    }

    @Test func aMessageIsReceivedHiddenRedeliveredAndDeleted() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("work")
        let attributes: WireMap<MessageAttributeValue> = [
            "Hello": MessageAttributeValue(dataType: "String", stringValue: "There")
        ]
        let sent = try await client.call(
            Methods.sendMessage,
            SendMessageRequest(queueUrl: url, messageBody: "line one\n\tline two", messageAttributes: attributes))
        // AWS's documented digests: the body's MD5, and the attribute vector {Hello: String "There"}.
        #expect(sent.md5OfMessageAttributes == "a311262e065454b75da111d535b8dacd")
        // MD5 of "test", the AWS SDK's own test vector.
        let vector = try await client.send(try await client.createQueue("vectors"), "test")
        #expect(vector.md5OfMessageBody == "098f6bcd4621d373cade4e832627b4f6")

        // 15 s: long enough for the next checks on a loaded machine (the suite boots guests meanwhile), short
        // enough for the long poll below (at most 20 s) to see the message come back.
        let first = try #require(try await client.receive(url, visibility: 15).first)
        #expect(first.body == "line one\n\tline two")
        #expect(first.messageId == sent.messageId)
        #expect(first.md5OfBody == sent.md5OfMessageBody)
        #expect(first.messageAttributes?["Hello"]?.stringValue == "There")
        #expect(first.attributes?["ApproximateReceiveCount"] == "1")
        // Invisible while in flight...
        #expect(try await client.receive(url).isEmpty)
        #expect(try await client.queueCounts(url) == (0, 1, 0))
        // ...and visible again once its visibility timeout ends, with a new receipt handle.
        let second = try #require(try await client.receive(url, visibility: 30, wait: 20).first)
        #expect(second.messageId == sent.messageId)
        #expect(second.receiptHandle != first.receiptHandle)
        #expect(second.attributes?["ApproximateReceiveCount"] == "2")
        // A stale handle still deletes in a standard queue, as in AWS.
        try await client.delete(url, first)
        #expect(try await client.queueCounts(url) == (0, 0, 0))
        try await client.delete(url, second)
        await fixture.stop()
    }

    @Test func visibilityCanBeChangedAndDelaysHold() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("vis")
        _ = try await client.send(url, "a")
        let message = try #require(try await client.receive(url, visibility: 600).first)
        _ = try await client.call(
            Methods.changeMessageVisibility,
            ChangeMessageVisibilityRequest(queueUrl: url, receiptHandle: message.receiptHandle, visibilityTimeout: 0))
        let again = try #require(try await client.receive(url).first)
        #expect(again.messageId == message.messageId)
        try await client.delete(url, again)
        // Changing the visibility of a deleted message is refused as AWS does.
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.changeMessageVisibility,
                    ChangeMessageVisibilityRequest(
                        queueUrl: url, receiptHandle: again.receiptHandle, visibilityTimeout: 5))
            } == "InvalidParameterValue")
        // A delayed message is counted as delayed and not received before its time (a delay long enough
        // that a loaded machine's stall does not end it before the checks).
        _ = try await client.call(
            Methods.sendMessage, SendMessageRequest(queueUrl: url, messageBody: "later", delaySeconds: 12))
        #expect(try await client.receive(url).isEmpty)
        #expect(try await client.queueCounts(url) == (0, 0, 1))
        let later = try await client.receive(url, wait: 20)
        #expect(later.map(\.body) == ["later"])
        await fixture.stop()
    }

    @Test func aLongPollReturnsAsSoonAsAMessageArrives() async throws {
        let fixture = try await DaemonFixture.start()
        let url = try await fixture.client.createQueue("poll")
        let other = try await fixture.daemon.client()
        let started = ContinuousClock.now
        let waiting = Task { try await fixture.client.receive(url, wait: 20) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await other.send(url, "wake up")
        let received = try await waiting.value
        let elapsed = ContinuousClock.now - started
        #expect(received.map(\.body) == ["wake up"])
        // Long before its 20 s (a loaded machine stretches the rest: stalls of 10 s were seen).
        #expect(elapsed < .seconds(16), "the long poll returned after \(elapsed)")
        // With nothing to receive it waits its time out and returns empty.
        let empty = ContinuousClock.now
        #expect(try await fixture.client.receive(url, wait: 1).isEmpty)
        #expect(ContinuousClock.now - empty >= .milliseconds(900))
        await other.close()
        await fixture.stop()
    }

    @Test func theLargestMessageAndAFullBatchFitWhateverTheyHold() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("big")
        // 1 MiB of newlines, tabs, quotes and backslashes: twice its size as JSON.
        let pattern = "\n\t\"\\"
        let body = String(repeating: pattern, count: (1 << 20) / pattern.utf8.count)
        #expect(body.utf8.count == 1 << 20)
        _ = try await client.send(url, body)
        #expect(
            await awsCode { _ = try await client.send(url, body + "x") } == "InvalidParameterValue")
        let received = try #require(try await client.receive(url).first)
        #expect(received.body == body)
        try await client.delete(url, received)
        // Ten entries of 100 KiB each, all sent and all received whole.
        let entries = (0..<10).map { index in
            SendMessageBatchEntry(
                id: "entry-\(index)", messageBody: String(repeating: "\t\(index)\n", count: 100 << 10 / 3))
        }
        let batch = try await client.call(
            Methods.sendMessageBatch, SendMessageBatchRequest(queueUrl: url, entries: entries))
        #expect(batch.successful.count == 10 && batch.failed.isEmpty)
        var bodies: Set<String> = []
        while bodies.count < 10 {
            let messages = try await client.receive(url)
            if messages.isEmpty { break }
            for message in messages {
                bodies.insert(message.body)
                try await client.delete(url, message)
            }
        }
        #expect(bodies == Set(entries.map(\.messageBody)))
        await fixture.stop()
    }

    @Test func badRequestsGetAWSErrors() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("strict")
        let missing = "https://sqs.us-east-1.amazonaws.com/000000000000/absent"
        #expect(await awsCode { _ = try await client.send(missing, "x") } == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(await awsCode { _ = try await client.send(url, "bad \u{1} char") } == "InvalidMessageContents")
        #expect(await awsCode { _ = try await client.send(url, "") } == "MissingParameter")
        #expect(await awsCode { _ = try await client.createQueue("no spaces") } == "InvalidParameterValue")
        #expect(
            await awsCode { _ = try await client.createQueue(String(repeating: "q", count: 81)) }
                == "InvalidParameterValue")
        #expect(
            await awsCode { _ = try await client.createQueue("x", attributes: ["VisibilityTimeout": "43201"]) }
                == "InvalidAttributeValue")
        #expect(
            await awsCode { _ = try await client.createQueue("x", attributes: ["Colour": "red"]) }
                == "InvalidAttributeName")
        let eleven = (0..<11).map { SendMessageBatchEntry(id: "e\($0)", messageBody: "b") }
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.sendMessageBatch, SendMessageBatchRequest(queueUrl: url, entries: eleven))
            } == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
        let twins = [
            SendMessageBatchEntry(id: "a", messageBody: "1"), SendMessageBatchEntry(id: "a", messageBody: "2"),
        ]
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.sendMessageBatch, SendMessageBatchRequest(queueUrl: url, entries: twins))
            } == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
        let badId = [SendMessageBatchEntry(id: "not ok!", messageBody: "1")]
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.sendMessageBatch, SendMessageBatchRequest(queueUrl: url, entries: badId))
            } == "AWS.SimpleQueueService.InvalidBatchEntryId")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.deleteMessage, DeleteMessageRequest(queueUrl: url, receiptHandle: "garbage"))
            } == "ReceiptHandleIsInvalid")
        #expect(await awsCode { _ = try await client.receive(url, max: 11) } == "InvalidParameterValue")
        #expect(await awsCode { _ = try await client.receive(url, wait: 21) } == "InvalidParameterValue")
        let number: WireMap<MessageAttributeValue> = [
            "n": MessageAttributeValue(dataType: "Number", stringValue: "abc")
        ]
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.sendMessage, SendMessageRequest(queueUrl: url, messageBody: "x", messageAttributes: number))
            } == "InvalidParameterValue")
        #expect(try await client.queueCounts(url) == (0, 0, 0), "nothing refused was stored")
        await fixture.stop()
    }

    @Test func messagesSurviveARestartAndAKillAndDeletedOnesStayDeleted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        var daemon = try await DaemonProcess(dataDirectory: data)
        var client = try await daemon.client()
        let url = try await client.createQueue("durable")
        for index in 0..<20 { _ = try await client.send(url, "m\(index)") }
        let inFlight = try await client.receive(url, max: 5, visibility: 600)
        let deleted = try await client.receive(url, max: 5)
        for message in deleted { try await client.delete(url, message) }
        await client.close()
        daemon.kill()

        daemon = try await DaemonProcess(dataDirectory: data)
        client = try await daemon.client()
        // 10 left: 5 still in flight (their deadline kept), 10 visible; the 5 deleted are gone for good.
        #expect(try await client.queueCounts(url) == (10, 5, 0))
        var bodies: [String] = []
        while true {
            let messages = try await client.receive(url)
            if messages.isEmpty { break }
            bodies += messages.map(\.body)
            for message in messages { try await client.delete(url, message) }
        }
        let expected = Set((0..<20).map { "m\($0)" }).subtracting((inFlight + deleted).map(\.body))
        #expect(Set(bodies) == expected)
        #expect(Set(bodies).isDisjoint(with: deleted.map(\.body)))
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func purgeRemovesWhatWasSentBefore() async throws {
        let fixture = try await DaemonFixture.start(arguments: ["--sqs-no-cooldowns"])
        let client = fixture.client
        let url = try await client.createQueue("purged")
        for index in 0..<5 { _ = try await client.send(url, "old\(index)") }
        _ = try await client.call(Methods.purgeQueue, QueueRequest(queueUrl: url))
        _ = try await client.send(url, "new")
        #expect(try await client.receive(url).map(\.body) == ["new"])
        // Without cooldowns a second purge at once is allowed, and so is reusing a deleted queue's name.
        _ = try await client.call(Methods.purgeQueue, QueueRequest(queueUrl: url))
        _ = try await client.call(Methods.deleteQueue, QueueRequest(queueUrl: url))
        #expect(try await client.createQueue("purged") == url)
        #expect(try await client.queueCounts(url) == (0, 0, 0))
        await fixture.stop()
    }
}
