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

        let first = try #require(try await client.receive(url, visibility: 3).first)
        #expect(first.body == "line one\n\tline two")
        #expect(first.messageId == sent.messageId)
        #expect(first.md5OfBody == sent.md5OfMessageBody)
        #expect(first.messageAttributes?["Hello"]?.stringValue == "There")
        #expect(first.attributes?["ApproximateReceiveCount"] == "1")
        // Invisible while in flight...
        #expect(try await client.receive(url).isEmpty)
        #expect(try await client.queueCounts(url) == (0, 1, 0))
        // ...and visible again once its visibility timeout ends, with a new receipt handle.
        let second = try #require(try await client.receive(url, visibility: 30, wait: 10).first)
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
        // A delayed message is counted as delayed and not received before its time.
        _ = try await client.call(
            Methods.sendMessage, SendMessageRequest(queueUrl: url, messageBody: "later", delaySeconds: 3))
        #expect(try await client.receive(url).isEmpty)
        #expect(try await client.queueCounts(url) == (0, 0, 1))
        let later = try await client.receive(url, wait: 10)
        #expect(later.map(\.body) == ["later"])
        await fixture.stop()
    }

    @Test func aLongPollReturnsAsSoonAsAMessageArrives() async throws {
        let fixture = try await DaemonFixture.start()
        let url = try await fixture.client.createQueue("poll")
        let other = try await fixture.daemon.client()
        let started = ContinuousClock.now
        let waiting = Task { try await fixture.client.receive(url, wait: 10) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try await other.send(url, "wake up")
        let received = try await waiting.value
        let elapsed = ContinuousClock.now - started
        #expect(received.map(\.body) == ["wake up"])
        #expect(elapsed < .seconds(3), "the long poll returned after \(elapsed)")
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

@Suite("SQS tags, peek and the in-flight cap")
struct QueueExtrasTests {
    @Test func tagsAreSetListedAndRemoved() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.call(
            Methods.createQueue, CreateQueueRequest(queueName: "tagged", tags: ["team": "web"])
        ).queueUrl
        _ = try await client.call(
            Methods.tagQueue, TagQueueRequest(queueUrl: url, tags: ["env": "dev", "team": "api"]))
        var tags = try await client.call(Methods.listQueueTags, QueueRequest(queueUrl: url)).tags
        #expect(tags?.entries == ["env": "dev", "team": "api"])
        _ = try await client.call(Methods.untagQueue, UntagQueueRequest(queueUrl: url, tagKeys: ["team"]))
        tags = try await client.call(Methods.listQueueTags, QueueRequest(queueUrl: url)).tags
        #expect(tags?.entries == ["env": "dev"])
        let many = WireMap(Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") }))
        #expect(
            await awsCode { _ = try await client.call(Methods.tagQueue, TagQueueRequest(queueUrl: url, tags: many)) }
                == "InvalidParameterValue")
        await fixture.stop()
    }

    @Test func aPeekShowsMessagesAndChangesNothing() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("peek")
        for body in ["one", "two", "three"] { _ = try await client.send(url, body) }
        _ = try await client.receive(url, max: 1, visibility: 600)
        let peeked = try await client.call(Methods.peekMessages, PeekMessagesRequest(queueUrl: url)).messages
        #expect(peeked.map(\.body) == ["one", "two", "three"])
        #expect(peeked.map(\.state) == ["in-flight", "visible", "visible"])
        #expect(peeked[0].attributes["ApproximateReceiveCount"] == "1")
        // Nothing changed: the counts, and the next receive's order.
        #expect(try await client.queueCounts(url) == (2, 1, 0))
        #expect(try await client.receive(url, max: 2).map(\.body) == ["two", "three"])
        await fixture.stop()
    }

    @Test func atTheInFlightCapAShortPollIsOverLimitAndALongPollWaits() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try await DaemonProcess(
            dataDirectory: directory.path + "/data", environment: ["IAASD_SQS_MAX_IN_FLIGHT": "3"])
        let client = try await daemon.client()
        let url = try await client.createQueue("capped")
        for index in 0..<5 { _ = try await client.send(url, "m\(index)") }
        let first = try await client.receive(url, max: 3, visibility: 600)
        #expect(first.count == 3)
        #expect(await awsCode { _ = try await client.receive(url) } == "OverLimit")
        #expect(try await client.receive(url, wait: 1).isEmpty)
        // A delete frees a slot.
        try await client.delete(url, first[0])
        #expect(try await client.receive(url, max: 10).count == 1)
        await client.close()
        #expect(await daemon.terminate() == 0)
    }
}

@Suite("SQS dead-letter queues")
struct DeadLetterQueueTests {
    @Test func aMessageReceivedTooOftenMovesToTheDeadLetterQueue() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        var daemon = try await DaemonProcess(dataDirectory: data)
        var client = try await daemon.client()
        let dlq = try await client.createQueue("dead")
        let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dead","maxReceiveCount":"2"}"#
        let source = try await client.createQueue("work", attributes: ["RedrivePolicy": policy])
        let sent = try await client.send(source, "poison")
        // Two receives are allowed; the third finds it gone to the dead-letter queue.
        for count in 1...2 {
            let message = try #require(try await client.receive(source, visibility: 0).first)
            #expect(message.attributes?["ApproximateReceiveCount"] == String(count))
        }
        #expect(try await client.receive(source, visibility: 0).isEmpty)
        #expect(try await client.queueCounts(source) == (0, 0, 0))
        #expect(try await client.queueCounts(dlq) == (1, 0, 0))
        let sources = try await client.call(
            Methods.listDeadLetterSourceQueues, ListDeadLetterSourceQueuesRequest(queueUrl: dlq))
        #expect(sources.queueUrls == [source])
        let attributes = try await client.call(
            Methods.getQueueAttributes, GetQueueAttributesRequest(queueUrl: source, attributeNames: ["RedrivePolicy"])
        ).attributes
        #expect(attributes?["RedrivePolicy"]?.contains("\"maxReceiveCount\":2") == true)
        // The move survives a kill.
        await client.close()
        daemon.kill()
        daemon = try await DaemonProcess(dataDirectory: data)
        client = try await daemon.client()
        #expect(try await client.queueCounts(source) == (0, 0, 0))
        let dead = try #require(try await client.receive(dlq).first)
        #expect(dead.messageId == sent.messageId)
        #expect(dead.body == "poison")
        #expect(dead.attributes?["ApproximateReceiveCount"] == "1")
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func badRedrivePoliciesAreRefused() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        _ = try await client.createQueue(
            "closed", attributes: ["RedriveAllowPolicy": #"{"redrivePermission":"denyAll"}"#])
        let open = try await client.createQueue(
            "picky",
            attributes: [
                "RedriveAllowPolicy":
                    #"{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:000000000000:allowed"]}"#
            ])
        #expect(!open.isEmpty)
        let cases = [
            #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:absent","maxReceiveCount":3}"#,
            #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:closed","maxReceiveCount":3}"#,
            #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:picky","maxReceiveCount":3}"#,
            #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:picky","maxReceiveCount":0}"#,
            #"{"maxReceiveCount":3}"#, "not json",
        ]
        for policy in cases {
            #expect(
                await awsCode { _ = try await client.createQueue("source", attributes: ["RedrivePolicy": policy]) }
                    == "InvalidParameterValue", "\(policy)")
        }
        // The allowed source may use it.
        let good = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:picky","maxReceiveCount":3}"#
        #expect(try await client.createQueue("allowed", attributes: ["RedrivePolicy": good]).hasSuffix("/allowed"))
        #expect(
            await awsCode {
                _ = try await client.createQueue(
                    "x", attributes: ["RedriveAllowPolicy": #"{"redrivePermission":"byQueue"}"#])
            } == "InvalidParameterValue")
        await fixture.stop()
    }
}

@Suite("SQS message system attributes")
struct MessageSystemAttributeTests {
    @Test func anAWSTraceHeaderTravelsWithTheMessageAndHasItsOwnDigest() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("traced")
        let header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        let sent = try await client.call(
            Methods.sendMessage,
            SendMessageRequest(
                queueUrl: url, messageBody: "traced",
                messageSystemAttributes: [
                    "AWSTraceHeader": MessageAttributeValue(dataType: "String", stringValue: header)
                ]))
        // The digest AWS computed for this header (recorded by LocalStack against AWS).
        #expect(sent.md5OfMessageSystemAttributes == "5ae4d5d7636402d80f4eb6d213245a88")
        #expect(sent.md5OfMessageAttributes == nil, "system attributes do not change the user attributes' digest")
        let received = try #require(try await client.receive(url).first)
        #expect(received.attributes?["AWSTraceHeader"] == header)
        #expect(received.messageAttributes == nil)
        #expect(received.md5OfMessageAttributes == nil)
        let bad: WireMap<MessageAttributeValue> = [
            "Colour": MessageAttributeValue(dataType: "String", stringValue: "x")
        ]
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.sendMessage,
                    SendMessageRequest(queueUrl: url, messageBody: "x", messageSystemAttributes: bad))
            } == "InvalidParameterValue")
        await fixture.stop()
    }
}

@Suite("SQS message move tasks")
struct MessageMoveTaskTests {
    private let account = "arn:aws:sqs:us-east-1:000000000000:"

    /// Waits until the source's newest task is no longer running; returns it.
    private func finished(_ client: IaasClient, source: String) async throws -> ListMessageMoveTasksResultEntry? {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let task = try await client.call(
                Methods.listMessageMoveTasks, ListMessageMoveTasksRequest(sourceArn: source)
            ).results.first
            if let task, task.status != "RUNNING", task.status != "CANCELLING" { return task }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    @Test func deadLetterMessagesGoBackToTheirSourceOrToADestination() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let dlq = try await client.createQueue("dlq")
        let policy = #"{"deadLetterTargetArn":"\#(account)dlq","maxReceiveCount":1}"#
        let source = try await client.createQueue("source", attributes: ["RedrivePolicy": policy])
        for index in 0..<5 { _ = try await client.send(source, "m\(index)") }
        // One receive each is allowed; the next receive sends all five to the dead-letter queue.
        _ = try await client.receive(source, visibility: 0)
        #expect(try await client.receive(source, visibility: 0).isEmpty)
        #expect(try await client.queueCounts(dlq) == (5, 0, 0))

        let started = try await client.call(
            Methods.startMessageMoveTask, StartMessageMoveTaskRequest(sourceArn: "\(account)dlq"))
        #expect(!started.taskHandle.isEmpty)
        let task = try #require(try await finished(client, source: "\(account)dlq"))
        #expect(task.status == "COMPLETED")
        #expect(task.approximateNumberOfMessagesMoved == 5)
        #expect(task.taskHandle == nil, "AWS lists a handle only for a running task")
        #expect(try await client.queueCounts(dlq) == (0, 0, 0))
        let back = try await client.receive(source, visibility: 60)
        #expect(Set(back.map(\.body)) == Set((0..<5).map { "m\($0)" }))
        #expect(back.allSatisfy { $0.attributes?["ApproximateReceiveCount"] == "1" }, "counted afresh")
        #expect(back.allSatisfy { $0.messageAttributes == nil }, "the source it came from is not shown")

        // To a destination of the caller's choice.
        let elsewhere = try await client.createQueue("elsewhere")
        try await Task.sleep(for: .milliseconds(1))
        _ = try await client.call(
            Methods.changeMessageVisibilityBatch,
            ChangeMessageVisibilityBatchRequest(
                queueUrl: source,
                entries: back.enumerated().map {
                    ChangeMessageVisibilityBatchEntry(
                        id: "e\($0)", receiptHandle: $1.receiptHandle, visibilityTimeout: 0)
                }))
        #expect(try await client.receive(source, visibility: 0).isEmpty, "all five went to the dead-letter queue again")
        _ = try await client.call(
            Methods.startMessageMoveTask,
            StartMessageMoveTaskRequest(
                sourceArn: "\(account)dlq", destinationArn: "\(account)elsewhere", maxNumberOfMessagesPerSecond: 100))
        #expect(try await finished(client, source: "\(account)dlq")?.approximateNumberOfMessagesMoved == 5)
        #expect(try await client.queueCounts(elsewhere) == (5, 0, 0))
        await fixture.stop()
    }

    @Test func moveTaskErrorsAreAWSs() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        _ = try await client.createQueue("plain")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.startMessageMoveTask, StartMessageMoveTaskRequest(sourceArn: "\(account)plain"))
            } == "InvalidParameterValue")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.startMessageMoveTask, StartMessageMoveTaskRequest(sourceArn: "\(account)absent"))
            } == "InvalidParameterValue")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.cancelMessageMoveTask, CancelMessageMoveTaskRequest(taskHandle: "nope"))
            } == "ResourceNotFoundException")
        await fixture.stop()
    }
}

@Suite("SQS review fixes")
struct QueueReviewTests {
    @Test func oneReceiptHandleExtendsVisibilityAgainAndAgain() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("heartbeat")
        _ = try await client.send(url, "long job")
        let message = try #require(try await client.receive(url, visibility: 6).first)
        let extend = ChangeMessageVisibilityRequest(
            queueUrl: url, receiptHandle: message.receiptHandle, visibilityTimeout: 6)
        // Two heartbeats with the same handle, two seconds apart: the second must extend again.
        try await Task.sleep(for: .seconds(1))
        let first = ContinuousClock.now
        _ = try await client.call(Methods.changeMessageVisibility, extend)
        try await Task.sleep(for: .seconds(2))
        let second = ContinuousClock.now
        _ = try await client.call(Methods.changeMessageVisibility, extend)
        // Past the first heartbeat's deadline, within the second's (margins of a second or more, as this
        // machine's timers stretch under load).
        let check = first + .milliseconds(6500)
        try await Task.sleep(until: check, clock: .continuous)
        if ContinuousClock.now < second + .seconds(5) {
            #expect(try await client.receive(url).isEmpty, "still in flight for its first consumer")
        }
        let again = try await client.receive(url, wait: 10)
        #expect(again.map(\.messageId) == [message.messageId])
        await fixture.stop()
    }

    @Test func messagesMovedIntoAPurgedDeadLetterQueueSurviveARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        var daemon = try await DaemonProcess(dataDirectory: data)
        var client = try await daemon.client()
        let dlq = try await client.createQueue("dead")
        let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dead","maxReceiveCount":1}"#
        let source = try await client.createQueue("work", attributes: ["RedrivePolicy": policy])
        _ = try await client.send(source, "sent before the purge")
        _ = try await client.call(Methods.purgeQueue, QueueRequest(queueUrl: dlq))
        _ = try await client.receive(source, visibility: 0)
        #expect(try await client.receive(source, visibility: 0).isEmpty)
        #expect(try await client.queueCounts(dlq) == (1, 0, 0))
        await client.close()
        daemon.kill()
        daemon = try await DaemonProcess(dataDirectory: data)
        client = try await daemon.client()
        #expect(try await client.queueCounts(dlq) == (1, 0, 0), "moved after the purge: not purged")
        await client.close()
        #expect(await daemon.terminate() == 0)
    }
}
