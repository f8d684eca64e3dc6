import API
import Foundation
import IaasTesting
import Testing

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
