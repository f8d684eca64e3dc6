import API
import Foundation
import GRDB
import IaasTesting
import Store
import Testing

/// SQS under crashes: every named point of send, receive, delete and the queue actions; random kill -9
/// with producers and consumers; a zone's partition lost during a run.
@Suite("SQS crash safety")
struct QueueCrashTests {
    private let queueName = "crash"

    /// A data directory with a queue holding `count` messages `seed-N`.
    private func seeded(_ count: Int = 5) async throws -> (TemporaryDirectory, String, String) {
        let directory = try TemporaryDirectory()
        let data = directory.path + "/data"
        let daemon = try await DaemonProcess(dataDirectory: data)
        let client = try await daemon.client()
        let url = try await client.createQueue(queueName)
        for index in 0..<count { _ = try await client.send(url, "seed-\(index)") }
        await client.close()
        #expect(await daemon.terminate() == 0)
        return (directory, data, url)
    }

    /// Runs `action` against a daemon armed to die at `point`, then restarts it.
    private func crash(
        at point: String, data: String, action: @escaping @Sendable (IaasClient) async throws -> Void
    ) async throws -> (DaemonProcess, IaasClient) {
        let armed = try await DaemonProcess(dataDirectory: data, crashAt: point)
        let client = try await armed.client()
        await #expect(throws: IaasClientError.self) { try await action(client) }
        #expect(await armed.waitForExit() == CrashPoint.exitStatus, "iaasd should have died at \(point)")
        let restarted = try await DaemonProcess(dataDirectory: data)
        return (restarted, try await restarted.client())
    }

    @Test func aSendCommittedButNotAnsweredIsKept() async throws {
        let (directory, data, url) = try await seeded()
        defer { directory.remove() }
        let (daemon, client) = try await crash(at: "sqs.send.after-commit", data: data) { client in
            _ = try await client.send(url, "unanswered")
        }
        // Committed to a majority: it is there (the sender, told nothing, may send it again: at-least-once).
        #expect(try await client.queueCounts(url) == (6, 0, 0))
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aReceiveCommittedButNotAnsweredLeavesTheMessageInFlightUntilItsDeadline() async throws {
        let (directory, data, url) = try await seeded()
        defer { directory.remove() }
        let (daemon, client) = try await crash(at: "sqs.receive.after-commit", data: data) { client in
            _ = try await client.receive(url, max: 1, visibility: 1)
        }
        #expect(try await client.queueCounts(url).notVisible <= 1)
        try await Task.sleep(for: .milliseconds(1100))
        #expect(try await client.queueCounts(url) == (5, 0, 0), "back after its visibility timeout")
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aDeleteCommittedButNotAnsweredStaysDeleted() async throws {
        let (directory, data, url) = try await seeded()
        defer { directory.remove() }
        let first = try await DaemonProcess(dataDirectory: data)
        let firstClient = try await first.client()
        let message = try #require(try await firstClient.receive(url, max: 1, visibility: 1).first)
        await firstClient.close()
        #expect(await first.terminate() == 0)
        let (daemon, client) = try await crash(at: "sqs.delete.after-commit", data: data) { client in
            try await client.delete(url, message)
        }
        try await Task.sleep(for: .milliseconds(1100))
        let rest = try await client.receive(url)
        #expect(rest.count == 4)
        #expect(!rest.contains { $0.messageId == message.messageId })
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test(arguments: ["sqs.queue.delete.after-intent", "sqs.queue.delete.after-messages"])
    func aQueueDeleteIsFinished(point: String) async throws {
        let (directory, data, url) = try await seeded()
        defer { directory.remove() }
        let (daemon, client) = try await crash(at: point, data: data) { client in
            _ = try await client.call(Methods.deleteQueue, QueueRequest(queueUrl: url))
        }
        #expect(await awsCode { _ = try await client.queueCounts(url) } == "AWS.SimpleQueueService.NonExistentQueue")
        #expect(try await client.call(Methods.listQueues, ListQueuesRequest()).queueUrls == [])
        #expect(try partitionMessages(data: data).allSatisfy { $0 == 0 }, "no partition keeps its messages")
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aPurgeIsFinished() async throws {
        let (directory, data, url) = try await seeded()
        defer { directory.remove() }
        let (daemon, client) = try await crash(at: "sqs.queue.purge.after-intent", data: data) { client in
            _ = try await client.call(Methods.purgeQueue, QueueRequest(queueUrl: url))
        }
        #expect(try await client.queueCounts(url) == (0, 0, 0))
        #expect(try partitionMessages(data: data).allSatisfy { $0 == 0 })
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    /// Undeleted messages in each zone's partition file, read from outside the daemon.
    private func partitionMessages(data: String) throws -> [Int] {
        try ["us-east-1a", "us-east-1b", "us-east-1c"].map { zone in
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: data + "/zones/\(zone)/sqs.sqlite", configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM message WHERE NOT deleted") ?? 0
            }
        }
    }

    @Test func producersAndConsumersSurviveRandomKills() async throws {
        let cycles = Int(ProcessInfo.processInfo.environment["IAAS_SQS_KILL_CYCLES"] ?? "") ?? 12
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let ledger = Ledger()
        var url = ""
        for cycle in 0..<cycles {
            let daemon = try await DaemonProcess(dataDirectory: data, logLevel: "info")
            let setup = try await daemon.client()
            url = try await setup.createQueue(queueName, attributes: ["VisibilityTimeout": "1"])
            await setup.close()
            let url = url
            let workers = (0..<4).map { worker in
                Task {
                    guard let client = try? await daemon.client() else { return }
                    var index = 0
                    while !Task.isCancelled {
                        do {
                            if worker < 2 {
                                let body = "c\(cycle)-w\(worker)-\(index)"
                                index += 1
                                _ = try await client.send(url, body)
                                ledger.sent(body)
                            } else {
                                for message in try await client.receive(url, max: 5) {
                                    ledger.received(message.body)
                                    try await client.delete(url, message)
                                    ledger.deleted(message.body)
                                }
                            }
                        } catch {
                            return
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 200...600)))
            daemon.kill()
            for worker in workers { worker.cancel() }
            for worker in workers { _ = await worker.value }
        }
        // Drain what is left after a last restart; the visibility timeout of 1 s brings back anything in flight.
        let daemon = try await DaemonProcess(dataDirectory: data)
        let client = try await daemon.client()
        var idle = 0
        while idle < 3 {
            let messages = try await client.receive(url, max: 10, wait: 1)
            if messages.isEmpty { idle += 1 }
            for message in messages {
                ledger.received(message.body)
                try await client.delete(url, message)
                ledger.deleted(message.body)
            }
        }
        let report = ledger.report()
        print("sqs kill test: \(cycles) kills, \(report.sent) sent, \(report.duplicates) delivered more than once")
        #expect(report.sent > 0)
        #expect(report.lost.isEmpty, "acknowledged but never received: \(report.lost.prefix(5))")
        #expect(
            report.resurrected.isEmpty, "received again after an acknowledged delete: \(report.resurrected.prefix(5))")
        await client.close()
        #expect(await daemon.terminate() == 0)
    }

    @Test func aLostPartitionDoesNotStopSendsAndCatchesUp() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("zones")
        for index in 0..<50 { _ = try await client.send(url, "before-\(index)") }
        // us-east-1c's partition is lost: its files vanish from under the daemon.
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: fixture.data + "/zones/us-east-1c/sqs.sqlite" + suffix)
        }
        // Four senders keep going while the sweeper notices, makes the partition again and fills it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<4 {
                group.addTask {
                    let client = try await fixture.daemon.client()
                    for index in 0..<50 {
                        _ = try await client.send(url, "after-\(sender)-\(index)")
                        if index % 10 == 0 { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    await client.close()
                }
            }
            try await group.waitForAll()
        }
        let deadline = ContinuousClock.now + .seconds(15)
        var counts: [Int] = []
        while ContinuousClock.now < deadline {
            counts = (try? partitionMessages(data: fixture.data)) ?? []
            if counts == [250, 250, 250] { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(counts == [250, 250, 250], "every partition holds every message again")
        #expect(fixture.daemon.log().contains("message partition caught up"))
        #expect(try await client.queueCounts(url) == (250, 0, 0))
        await fixture.stop()
    }
}

/// What producers and consumers were told, across kills.
private final class Ledger: @unchecked Sendable {
    private let lock = NSLock()
    private var sentBodies = Set<String>()
    private var receivedCounts: [String: Int] = [:]
    private var deletedBodies = Set<String>()
    private var resurrected: [String] = []

    func sent(_ body: String) { lock.withLock { _ = sentBodies.insert(body) } }

    func received(_ body: String) {
        lock.withLock {
            if deletedBodies.contains(body) { resurrected.append(body) }
            receivedCounts[body, default: 0] += 1
        }
    }

    func deleted(_ body: String) { lock.withLock { _ = deletedBodies.insert(body) } }

    func report() -> (sent: Int, lost: [String], resurrected: [String], duplicates: Int) {
        lock.withLock {
            (
                sentBodies.count, sentBodies.filter { receivedCounts[$0] == nil }.sorted(), resurrected,
                receivedCounts.values.filter { $0 > 1 }.count
            )
        }
    }
}
