import API
import Foundation
import IaasTesting
import Testing

@Suite("SQS review fixes")
struct QueueReviewTests {
    @Test func oneReceiptHandleExtendsVisibilityAgainAndAgain() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("heartbeat")
        _ = try await client.send(url, "long job")
        // Received for a minute, so a loaded machine cannot let it go back before the first heartbeat.
        let message = try #require(try await client.receive(url, visibility: 60).first)
        let extend = ChangeMessageVisibilityRequest(
            queueUrl: url, receiptHandle: message.receiptHandle, visibilityTimeout: 10)
        // Two heartbeats with the same handle, two seconds apart: the second must extend again.
        try await Task.sleep(for: .seconds(1))
        _ = try await client.call(Methods.changeMessageVisibility, extend)
        // The first heartbeat's deadline is no later than its answer + 10 s.
        let first = ContinuousClock.now
        try await Task.sleep(for: .seconds(2))
        let second = ContinuousClock.now
        _ = try await client.call(Methods.changeMessageVisibility, extend)
        // Past the first heartbeat's deadline, within the second's. A receive answered before the second
        // deadline (which the daemon set no earlier than `second` + 10 s) must find the message in flight;
        // one this machine's load delayed past it may find it back, which then needs no second receive.
        let check = first + .milliseconds(10500)
        try await Task.sleep(until: check, clock: .continuous)
        let early = try await client.receive(url)
        if ContinuousClock.now < second + .seconds(10) {
            #expect(early.isEmpty, "still in flight for its first consumer")
        }
        let again = early.isEmpty ? try await client.receive(url, wait: 15) : early
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
