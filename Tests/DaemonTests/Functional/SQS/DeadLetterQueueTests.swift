import API
import Foundation
import IaasTesting
import Testing

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
