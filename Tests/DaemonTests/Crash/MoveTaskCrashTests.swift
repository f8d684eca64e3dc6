import API
import Foundation
import IaasTesting
import Store
import Testing

/// Message move tasks survive the daemon: a task interrupted by a crash (at its named point, or by kill -9
/// in the middle of a run) is resumed at the next start and moves every message exactly once.
@Suite("SQS message move tasks under crashes")
struct MoveTaskCrashTests {
    private let account = "arn:aws:sqs:us-east-1:000000000000:"

    /// A data directory whose dead-letter queue holds `count` (at most 10) messages that came from `source`.
    private func deadLetters(_ count: Int) async throws -> (TemporaryDirectory, String, source: String, dlq: String) {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        let daemon = try await DaemonProcess(dataDirectory: data)
        let client = try await daemon.client()
        let dlq = try await client.createQueue("dlq")
        let policy = #"{"deadLetterTargetArn":"\#(account)dlq","maxReceiveCount":1}"#
        let source = try await client.createQueue("source", attributes: ["RedrivePolicy": policy])
        for index in 0..<count { _ = try await client.send(source, "m\(index)") }
        _ = try await client.receive(source, visibility: 0)
        #expect(try await client.receive(source, visibility: 0).isEmpty)
        #expect(try await client.queueCounts(dlq) == (count, 0, 0))
        await client.close()
        #expect(await daemon.terminate() == 0)
        return (directory, data, source, dlq)
    }

    /// Waits for the newest task of the dead-letter queue to end; checks that every message is back in the
    /// source exactly once.
    private func expectCompleted(_ client: IaasClient, source: String, dlq: String, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        var task: ListMessageMoveTasksResultEntry?
        while ContinuousClock.now < deadline {
            task = try await client.call(
                Methods.listMessageMoveTasks, ListMessageMoveTasksRequest(sourceArn: "\(account)dlq")
            ).results.first
            if task?.status == "COMPLETED" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(task?.status == "COMPLETED")
        #expect(try await client.queueCounts(dlq) == (0, 0, 0))
        let back = try await client.receive(source, visibility: 60) + client.receive(source, visibility: 60)
        #expect(back.map(\.body).sorted() == (0..<count).map { "m\($0)" }.sorted())
    }

    @Test func aTaskStoppedAtItsCrashPointIsResumed() async throws {
        let (directory, data, source, dlq) = try await deadLetters(5)
        defer { directory.remove() }
        let armed = try await DaemonProcess(dataDirectory: data, crashAt: "sqs.move-task.before-batch")
        let armedClient = try await armed.client()
        // The answer races the crash of the task's first batch: either is fine.
        _ = try? await armedClient.call(
            Methods.startMessageMoveTask, StartMessageMoveTaskRequest(sourceArn: "\(account)dlq"))
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)
        let daemon = try await DaemonProcess(dataDirectory: data)
        let client = try await daemon.client()
        try await expectCompleted(client, source: source, dlq: dlq, count: 5)
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aTaskKilledMidRunIsResumedAndMovesEachMessageOnce() async throws {
        let (directory, data, source, dlq) = try await deadLetters(10)
        defer { directory.remove() }
        var daemon = try await DaemonProcess(dataDirectory: data)
        var client = try await daemon.client()
        // Four a second: the kill lands with some moved and some not.
        _ = try await client.call(
            Methods.startMessageMoveTask,
            StartMessageMoveTaskRequest(sourceArn: "\(account)dlq", maxNumberOfMessagesPerSecond: 4))
        // Killed as soon as the first messages moved (a loaded machine may take a while to start the task).
        var moving = try await client.queueCounts(dlq)
        let deadline = ContinuousClock.now + .seconds(20)
        while moving.visible == 10, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            moving = try await client.queueCounts(dlq)
        }
        #expect(moving.visible > 0 && moving.visible < 10, "\(moving)")
        await client.close()
        daemon.kill()
        daemon = try await DaemonProcess(dataDirectory: data)
        client = try await daemon.client()
        let listed = try await client.call(
            Methods.listMessageMoveTasks, ListMessageMoveTasksRequest(sourceArn: "\(account)dlq")
        ).results
        #expect(listed.count == 1 && ["RUNNING", "COMPLETED"].contains(listed.first?.status ?? ""))
        try await expectCompleted(client, source: source, dlq: dlq, count: 10)
        await client.close()
        #expect(await daemon.terminate() == 0)
    }
}
