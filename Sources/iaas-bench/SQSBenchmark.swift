import API
import ArgumentParser
import Foundation
import IaasTesting
import NIOCore
import NIOPosix

/// `iaas-bench sqs`: durable send throughput (1 and 16 clients, single and batched), receive+delete
/// throughput (1 and 16 clients, on a queue that does not run dry during the run),
/// long-poll wake-up latency, how late a message comes back after its visibility deadline, receive+delete
/// throughput against a large backlog, and the daemon's idle CPU with queues long-polling.
struct SQSBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sqs", abstract: "Benchmark SQS queues and messages.")

    @Option(help: "Seconds per throughput run.")
    var seconds = 3.0

    @Option(help: "Messages in the backlog for the backlog figure.")
    var backlog = 200_000

    @Option(help: "Queues long-polling for the idle CPU figure.")
    var idleQueues = 100

    @Option(help: "Where to put the data directory (default: a temporary directory).")
    var directory: String?

    private static let body = String(repeating: "m", count: 100)

    func run() async throws {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let temporary = try TemporaryDirectory(prefix: "iaas-bench")
        defer { temporary.remove() }
        let data = (directory ?? temporary.path) + "/data"
        print("iaas-bench sqs on \(Machine.summary)")
        print("iaasd: \(try DaemonProcess.binary()); 100-byte messages, 3 partitions, synchronous=FULL")
        let daemon = try await DaemonProcess(dataDirectory: data, arguments: ["--sqs-no-cooldowns"], logLevel: "notice")
        let client = try await daemon.client()

        for (clients, batch) in [(1, 1), (16, 1), (1, 10), (16, 10)] {
            let url = try await client.createQueue("send-\(clients)-\(batch)")
            let rate = try await throughput(daemon: daemon, clients: clients) { client in
                if batch == 1 {
                    _ = try await client.send(url, Self.body)
                } else {
                    let entries = (0..<batch).map { SendMessageBatchEntry(id: "e\($0)", messageBody: Self.body) }
                    _ = try await client.call(
                        Methods.sendMessageBatch, SendMessageBatchRequest(queueUrl: url, entries: entries))
                }
                return batch
            }
            print("send, \(clients) client\(clients == 1 ? "" : "s"), batches of \(batch): \(Int(rate)) msg/s")
        }

        try await fifoFigures(daemon: daemon, client: client)
        try await longPoll(daemon: daemon, client: client)
        try await visibilityLateness(client: client)
        try await backlogFigure(daemon: daemon, client: client, data: data)
        try await idleCPU(daemon: daemon)
        await client.close()
        await daemon.terminate()
    }

    /// FIFO: send with 16 clients, one group each and an explicit deduplication id (each send claims and
    /// remembers it), then receive+delete with 16 clients across the 16 groups (each receive locks a group).
    private func fifoFigures(daemon: DaemonProcess, client: IaasClient) async throws {
        let url = try await client.createQueue("fifo.fifo", attributes: ["FifoQueue": "true"])
        let counter = Counter()
        let sendRate = try await throughput(daemon: daemon, clients: 16) { client in
            let n = counter.next()
            _ = try await client.send(url, Self.body, group: "g\(n % 16)", deduplicationId: "d\(n)")
            return 1
        }
        print("FIFO send, 16 clients, 16 groups, deduplication ids: \(Int(sendRate)) msg/s")
        // A third of the send run's time, so the backlog the sends left does not run dry.
        let receiveRate = try await throughput(daemon: daemon, clients: 16, seconds: seconds / 3) { client in
            try await receiveAndDelete(client, url)
        }
        let left = try await client.queueCounts(url)
        print(
            "FIFO receive+delete, 16 clients, 16 groups, 10 at a time: \(Int(receiveRate)) msg/s (\(left.visible) left)"
        )
    }

    /// Receives up to 10 and deletes them in one batch; returns how many.
    private func receiveAndDelete(_ client: IaasClient, _ url: String) async throws -> Int {
        let messages = try await client.receive(url, max: 10)
        guard !messages.isEmpty else { return 0 }
        let entries = messages.enumerated().map {
            DeleteMessageBatchEntry(id: "d\($0)", receiptHandle: $1.receiptHandle)
        }
        _ = try await client.call(
            Methods.deleteMessageBatch, DeleteMessageBatchRequest(queueUrl: url, entries: entries))
        return messages.count
    }

    /// Messages per second that `clients` concurrent clients get through `step` for `seconds`.
    private func throughput(
        daemon: DaemonProcess, clients: Int, seconds: Double? = nil,
        _ step: @escaping @Sendable (IaasClient) async throws -> Int
    ) async throws -> Double {
        let duration = seconds ?? self.seconds
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(duration * 1000))
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    let client = try await daemon.client()
                    var count = 0
                    while ContinuousClock.now < deadline { count += try await step(client) }
                    await client.close()
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / (ContinuousClock.now - start).totalSeconds
    }

    /// From just before a send to the return of a receive that was already waiting.
    private func longPoll(daemon: DaemonProcess, client: IaasClient) async throws {
        let url = try await client.createQueue("long-poll")
        let sender = try await daemon.client()
        var latency = Latency()
        for _ in 0..<200 {
            let waiting = Task { try await client.receive(url, max: 1, wait: 20) }
            try await Task.sleep(for: .milliseconds(5))
            let sent = ContinuousClock.now
            _ = try await sender.send(url, Self.body)
            let messages = try await waiting.value
            latency.record(ContinuousClock.now - sent)
            for message in messages { try await client.delete(url, message) }
        }
        await sender.close()
        print("long-poll wake-up (send → waiting receive returns): \(latency.summary)")
    }

    /// How long after its visibility deadline a message is received again by a waiting receiver.
    private func visibilityLateness(client: IaasClient) async throws {
        let url = try await client.createQueue("visibility")
        var lateness = Latency()
        for _ in 0..<20 {
            _ = try await client.send(url, Self.body)
            _ = try await client.receive(url, max: 1, visibility: 1)
            let deadline = ContinuousClock.now + .seconds(1)
            let again = try await client.receive(url, max: 1, wait: 5)
            lateness.record(ContinuousClock.now - deadline)
            for message in again { try await client.delete(url, message) }
        }
        print("visible again after the visibility deadline, lateness: \(lateness.summary)")
    }

    /// Receive+delete throughput with a large backlog against a small one.
    private func backlogFigure(daemon: DaemonProcess, client: IaasClient, data: String) async throws {
        var rates: [(Int, Double)] = []
        // The small queue holds more than 16 clients drain in one run, so neither run waits on an empty queue.
        for size in [50_000, backlog] {
            let url = try await client.createQueue("backlog-\(size)")
            let filled = try await timed {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<16 {
                        group.addTask {
                            let client = try await daemon.client()
                            for _ in stride(from: worker * 10, to: size, by: 160) {
                                let entries = (0..<10).map {
                                    SendMessageBatchEntry(id: "e\($0)", messageBody: Self.body)
                                }
                                _ = try await client.call(
                                    Methods.sendMessageBatch, SendMessageBatchRequest(queueUrl: url, entries: entries))
                            }
                            await client.close()
                        }
                    }
                    try await group.waitForAll()
                }
            }.1
            if size == 50_000 {
                let single = try await throughput(daemon: daemon, clients: 1) { client in
                    try await receiveAndDelete(client, url)
                }
                print("receive+delete, 1 client, 10 at a time: \(Int(single)) msg/s")
            }
            let rate = try await throughput(daemon: daemon, clients: 16) { client in
                try await receiveAndDelete(client, url)
            }
            let wal = ["us-east-1a", "us-east-1b", "us-east-1c"].map { zone in
                let path = data + "/zones/\(zone)/sqs.sqlite-wal"
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                return "\(size >> 20) MiB"
            }
            print(
                "(filled a queue with \(size) messages in \(filled); partition WALs now \(wal.joined(separator: ", ")))"
            )
            rates.append((size, rate))
        }
        let ratio = rates[1].1 / rates[0].1
        print(
            "receive+delete, 16 clients: \(Int(rates[0].1)) msg/s with \(rates[0].0) waiting, \(Int(rates[1].1)) msg/s with \(rates[1].0) waiting (ratio \(String(format: "%.2f", ratio)))"
        )
    }

    /// The daemon's CPU use over 10 s while receivers long-poll empty queues.
    private func idleCPU(daemon: DaemonProcess) async throws {
        var urls: [String] = []
        let client = try await daemon.client()
        for index in 0..<idleQueues { urls.append(try await client.createQueue("idle-\(index)")) }
        let pollers = urls.map { url in
            Task {
                let poller = try await daemon.client()
                while !Task.isCancelled { _ = try? await poller.receive(url, max: 1, wait: 20) }
                await poller.close()
            }
        }
        try await Task.sleep(for: .seconds(1))
        let before = try cpuSeconds(daemon.pid)
        let start = ContinuousClock.now
        try await Task.sleep(for: .seconds(10))
        let used = try cpuSeconds(daemon.pid) - before
        let share = used / (ContinuousClock.now - start).totalSeconds * 100
        for poller in pollers { poller.cancel() }
        print("idle CPU with \(idleQueues) queues long-polling: \(String(format: "%.2f", share))% of one core")
        await client.close()
    }

    private func cpuSeconds(_ pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        let ticks = Double(fields[11])! + Double(fields[12])!
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
