import API
import Foundation
import IaasTesting
import Store
import Testing

/// FIFO queues through the real daemon: order within a group, one batch of a group in flight at a time,
/// deduplication for five minutes (across deletes and restarts), and AWS's errors.
@Suite("SQS FIFO queues")
struct FifoQueueTests {
    @Test func aGroupIsDeliveredInOrderAndLockedWhileInFlight() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createFifoQueue("orders.fifo", attributes: ["ContentBasedDeduplication": "true"])
        var sequenceNumbers: [String] = []
        for n in 1...5 { sequenceNumbers.append(try await client.send(url, "a\(n)", group: "A").sequenceNumber ?? "") }
        for n in 1...2 { _ = try await client.send(url, "b\(n)", group: "B") }
        #expect(sequenceNumbers == sequenceNumbers.sorted() && Set(sequenceNumbers).count == 5)
        #expect(sequenceNumbers.allSatisfy { $0.count == 20 })

        let first = try await client.receive(url, max: 3)
        #expect(first.map(\.body) == ["a1", "a2", "a3"])
        #expect(first.allSatisfy { $0.attributes?["MessageGroupId"] == "A" })
        #expect(first.map { $0.attributes?["SequenceNumber"] ?? "" } == Array(sequenceNumbers.prefix(3)))
        #expect(first[0].attributes?["MessageDeduplicationId"]?.count == 64, "content-based: a SHA-256")
        // a4 is visible but its group is in flight: the next receive gets group B only.
        #expect(try await client.receive(url).map(\.body) == ["b1", "b2"])
        #expect(try await client.receive(url).isEmpty)
        for message in first.prefix(2) { try await client.delete(url, message) }
        #expect(try await client.receive(url).isEmpty, "a3 is still in flight")
        try await client.delete(url, first[2])
        #expect(try await client.receive(url).map(\.body) == ["a4", "a5"])
        await fixture.stop()
    }

    @Test func aMessageBackFromItsTimeoutComesBeforeTheRestOfItsGroup() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createFifoQueue("retry.fifo")
        for n in 1...3 { _ = try await client.send(url, "m\(n)", group: "g", deduplicationId: "d\(n)") }
        let received = ContinuousClock.now
        let taken = try await client.receive(url, max: 1, visibility: 3)
        #expect(taken.map(\.body) == ["m1"])
        // Checked only while surely within the timeout, as this machine's timers stretch under load. With
        // visibility 0, so that a poll delayed past the timeout, which takes m1 again, does not lock the group.
        if ContinuousClock.now < received + .milliseconds(1500) {
            let empty = try await client.receive(url, visibility: 0).isEmpty
            if ContinuousClock.now < received + .milliseconds(2500) { #expect(empty, "the group is locked") }
        }
        // Back after its timeout, first in its group: a long poll gets the group whole, in order.
        let again = try await client.receive(url, max: 10, wait: 10)
        #expect(again.map(\.body) == ["m1", "m2", "m3"])
        #expect(Int(again.first?.attributes?["ApproximateReceiveCount"] ?? "") ?? 0 >= 2)
        await fixture.stop()
    }

    @Test func aDeduplicationIdIsRememberedForFiveMinutesEvenAfterADelete() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createFifoQueue("dedup.fifo")
        let sent = try await client.send(url, "pay 10", group: "g", deduplicationId: "payment-1")
        let retried = try await client.send(url, "pay 10", group: "g", deduplicationId: "payment-1")
        #expect(retried.messageId == sent.messageId && retried.sequenceNumber == sent.sequenceNumber)
        #expect(try await client.queueCounts(url) == (1, 0, 0))
        let message = try #require(try await client.receive(url).first)
        try await client.delete(url, message)
        let late = try await client.send(url, "pay 10", group: "g", deduplicationId: "payment-1")
        #expect(late.messageId == sent.messageId)
        #expect(try await client.queueCounts(url) == (0, 0, 0), "a deleted message is not sent again")

        // A batch: a repeated id within it, and one from before, are stored once.
        let batch = try await client.call(
            Methods.sendMessageBatch,
            SendMessageBatchRequest(
                queueUrl: url,
                entries: [
                    SendMessageBatchEntry(id: "e1", messageBody: "x", messageGroupId: "g", messageDeduplicationId: "n"),
                    SendMessageBatchEntry(id: "e2", messageBody: "x", messageGroupId: "g", messageDeduplicationId: "n"),
                    SendMessageBatchEntry(
                        id: "e3", messageBody: "y", messageGroupId: "g", messageDeduplicationId: "payment-1"),
                    SendMessageBatchEntry(id: "e4", messageBody: "z", messageDeduplicationId: "m"),
                ]))
        #expect(batch.successful.count == 3)
        #expect(batch.successful[0].messageId == batch.successful[1].messageId)
        #expect(batch.successful[2].messageId == sent.messageId)
        #expect(batch.failed.map(\.id) == ["e4"] && batch.failed.first?.code == "MissingParameter")
        #expect(try await client.queueCounts(url) == (1, 0, 0))
        await fixture.stop()
    }

    @Test func deduplicationScopesAndContentBasedIds() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let byGroup = try await client.createFifoQueue(
            "scoped.fifo",
            attributes: [
                "ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup",
                "FifoThroughputLimit": "perMessageGroupId",
            ])
        _ = try await client.send(byGroup, "same", group: "a")
        _ = try await client.send(byGroup, "same", group: "b")
        _ = try await client.send(byGroup, "same", group: "a")
        _ = try await client.send(byGroup, "other", group: "a")
        #expect(try await client.queueCounts(byGroup) == (3, 0, 0))
        let attributes = try await client.call(
            Methods.getQueueAttributes, GetQueueAttributesRequest(queueUrl: byGroup, attributeNames: ["All"])
        ).attributes
        #expect(attributes?["FifoQueue"] == "true" && attributes?["DeduplicationScope"] == "messageGroup")
        #expect(attributes?["FifoThroughputLimit"] == "perMessageGroupId")
        #expect(attributes?["QueueArn"]?.hasSuffix(":scoped.fifo") == true)
        await fixture.stop()
    }

    @Test func theDeduplicationWindowSurvivesAKillAfterCommit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        var daemon = try await DaemonProcess(dataDirectory: data)
        var client = try await daemon.client()
        let url = try await client.createFifoQueue("exactly-once.fifo")
        await client.close()
        #expect(await daemon.terminate() == 0)

        let armed = try await DaemonProcess(dataDirectory: data, crashAt: "sqs.send.after-commit")
        let armedClient = try await armed.client()
        await #expect(throws: IaasClientError.self) {
            _ = try await armedClient.send(url, "order 7", group: "g", deduplicationId: "order-7")
        }
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)
        // The producer, told nothing, retries: the message is stored once.
        daemon = try await DaemonProcess(dataDirectory: data)
        client = try await daemon.client()
        let retried = try await client.send(url, "order 7", group: "g", deduplicationId: "order-7")
        #expect(try await client.queueCounts(url) == (1, 0, 0))
        #expect(try await client.receive(url).map(\.messageId) == [retried.messageId])
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aRetriedReceiveWithTheSameAttemptIdGetsTheSameMessages() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createFifoQueue("attempts.fifo", attributes: ["ContentBasedDeduplication": "true"])
        for n in 1...3 { _ = try await client.send(url, "m\(n)", group: "g\(n)") }
        func receive(_ attempt: String) async throws -> [Message] {
            try await client.call(
                Methods.receiveMessage,
                ReceiveMessageRequest(queueUrl: url, maxNumberOfMessages: 2, receiveRequestAttemptId: attempt)
            ).messages ?? []
        }
        let first = try await receive("attempt-1")
        #expect(first.count == 2)
        let retried = try await receive("attempt-1")
        #expect(retried.map(\.messageId) == first.map(\.messageId))
        #expect(retried.map(\.receiptHandle) == first.map(\.receiptHandle))
        #expect(try await receive("attempt-2").map(\.body) == ["m3"])
        #expect(await awsCode { _ = try await receive("bad attempt") } == "InvalidParameterValue")
        await fixture.stop()
    }

    @Test func aFifoDeadLetterQueueKeepsTheGroup() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let dlq = try await client.createFifoQueue("dead.fifo")
        let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dead.fifo","maxReceiveCount":1}"#
        let source = try await client.createFifoQueue("work.fifo", attributes: ["RedrivePolicy": policy])
        _ = try await client.send(source, "poison", group: "g", deduplicationId: "p")
        _ = try await client.send(source, "next", group: "g", deduplicationId: "n")
        #expect(try await client.receive(source, max: 1, visibility: 0).map(\.body) == ["poison"])
        // The second receive of "poison" moves it away; "next" follows in order.
        #expect(try await client.receive(source, max: 1).map(\.body) == ["next"])
        let dead = try #require(try await client.receive(dlq).first)
        #expect(dead.body == "poison" && dead.attributes?["MessageGroupId"] == "g")
        // A standard queue cannot be a FIFO queue's dead-letter queue, nor the other way round.
        _ = try await client.createQueue("plain")
        let mixed = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:plain","maxReceiveCount":1}"#
        #expect(
            await awsCode { _ = try await client.createFifoQueue("x.fifo", attributes: ["RedrivePolicy": mixed]) }
                == "InvalidParameterValue")
        #expect(
            await awsCode {
                _ = try await client.createQueue(
                    "y", attributes: WireMap(["RedrivePolicy": policy.replacingOccurrences(of: "dead", with: "work")]))
            } == "InvalidParameterValue")
        await fixture.stop()
    }

    @Test func badFifoInputGetsAWSErrors() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let fifo = try await client.createFifoQueue("strict.fifo")
        let standard = try await client.createQueue("standard")
        let cases: [(String, () async throws -> Void)] = [
            ("InvalidParameterValue", { _ = try await client.createQueue("named.fifo") }),
            ("InvalidParameterValue", { _ = try await client.createFifoQueue("unnamed") }),
            (
                "InvalidAttributeName",
                { _ = try await client.createQueue("s2", attributes: ["ContentBasedDeduplication": "true"]) }
            ),
            ("InvalidAttributeValue", { _ = try await client.createQueue("v.fifo", attributes: ["FifoQueue": "yes"]) }),
            (
                "InvalidAttributeValue",
                {
                    _ = try await client.call(
                        Methods.setQueueAttributes,
                        SetQueueAttributesRequest(queueUrl: fifo, attributes: ["FifoQueue": "false"]))
                }
            ),
            ("MissingParameter", { _ = try await client.send(fifo, "x", group: nil, deduplicationId: "d") }),
            ("InvalidParameterValue", { _ = try await client.send(fifo, "x", group: "g") }),
            ("InvalidParameterValue", { _ = try await client.send(fifo, "x", group: "g g", deduplicationId: "d") }),
            (
                "InvalidParameterValue",
                {
                    _ = try await client.send(
                        fifo, "x", group: "g", deduplicationId: String(repeating: "d", count: 129))
                }
            ),
            (
                "InvalidParameterValue",
                {
                    _ = try await client.call(
                        Methods.sendMessage,
                        SendMessageRequest(
                            queueUrl: fifo, messageBody: "x", delaySeconds: 5, messageGroupId: "g",
                            messageDeduplicationId: "d"))
                }
            ),
            ("InvalidParameterValue", { _ = try await client.send(standard, "x", group: "g", deduplicationId: "d") }),
        ]
        for (index, (code, call)) in cases.enumerated() {
            #expect(await awsCode(call) == code, "case \(index)")
        }
        // A standard queue takes a message group (fair queues) and reports it.
        _ = try await client.send(standard, "fair", group: "tenant-1")
        let message = try #require(try await client.receive(standard).first)
        #expect(message.attributes?["MessageGroupId"] == "tenant-1" && message.attributes?["SequenceNumber"] == nil)
        #expect(try await client.queueCounts(fifo) == (0, 0, 0))
        await fixture.stop()
    }
}
