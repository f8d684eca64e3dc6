import Foundation
import Logging
import NIOCore
import NIOPosix
import SystemPackage

/// A classic worker process (`iaas-vmm`): it hosts many guests on one scheduler thread and serves its
/// driver on a Unix socket. It is a process of its own so that a guest or a monitor bug cannot harm iaasd,
/// and so that its guests run on while iaasd restarts; the next iaasd connects to it again.
public enum ClassicWorker {
    /// Serves until the socket file is gone (its data directory was removed) or the worker has had no
    /// guest for `idleExit`.
    public static func serve(socketPath: String, runDirectory: String, idleExit: Duration) async throws {
        let logger = Logger(label: "iaas.engine.classic.worker")
        let clients = WorkerClients()
        // Events go out in the order they happened: through one stream, to every client.
        let (events, eventSink) = AsyncStream<ClassicScheduler.Event>.makeStream()
        let scheduler = ClassicScheduler(runDirectory: FilePath(runDirectory)) { eventSink.yield($0) }
        scheduler.start()
        try? FileManager.default.removeItem(atPath: socketPath)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(QMPLineDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        _ = chmod(socketPath, 0o600)
        // Beside the socket: which process serves it (a test, or a person, can signal it).
        try? "\(getpid())\n".write(toFile: pidPath(socketPath), atomically: true, encoding: .utf8)
        logger.info("worker serving", metadata: ["iaas.socket": "\(socketPath)", "iaas.pid": "\(getpid())"])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                for await event in events { await clients.broadcast(event) }
            }
            group.addTask {
                try await listener.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { connections in
                        for try await connection in inbound {
                            connections.addTask { await serve(connection, scheduler: scheduler, clients: clients) }
                        }
                    }
                }
            }
            var idleSince = ContinuousClock.now
            while true {
                try await Task.sleep(for: .seconds(1))
                guard FileManager.default.fileExists(atPath: socketPath) else {
                    logger.notice("socket removed; exiting")
                    exit(0)
                }
                if scheduler.count > 0 { idleSince = .now }
                if ContinuousClock.now - idleSince > idleExit {
                    logger.info("no guest for a while; exiting")
                    try? FileManager.default.removeItem(atPath: socketPath)
                    exit(0)
                }
            }
        }
    }

    /// `w0.sock` → `w0.pid`.
    public static func pidPath(_ socketPath: String) -> String {
        (socketPath.hasSuffix(".sock") ? String(socketPath.dropLast(5)) : socketPath) + ".pid"
    }

    /// One client: the greeting, then its commands, each answered when done (several may be under way).
    private static func serve(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, scheduler: ClassicScheduler, clients: WorkerClients
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            let (replies, sink) = AsyncStream<QMPValue>.makeStream()
            let client = await clients.add(sink)
            defer { Task { await clients.remove(client) } }
            sink.yield(.object(["QMP": .object(["version": .object(["iaas-vmm": .number(1)])])]))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await message in replies {
                        var line = try JSONEncoder().encode(message)
                        line.append(UInt8(ascii: "\n"))
                        try await outbound.write(ByteBuffer(bytes: line))
                    }
                }
                group.addTask {
                    try await withThrowingDiscardingTaskGroup { commands in
                        for try await line in inbound {
                            commands.addTask {
                                let request = try? JSONDecoder().decode(
                                    QMPValue.self, from: Data(line.readableBytesView))
                                let id = request?["id"] ?? .null
                                let reply = await WorkerCommands.answer(request, scheduler: scheduler)
                                switch reply {
                                case .success(let value): sink.yield(.object(["return": value, "id": id]))
                                case .failure(let error):
                                    sink.yield(
                                        .object([
                                            "error": .object([
                                                "class": .string("GenericError"), "desc": .string(error.description),
                                            ]), "id": id,
                                        ]))
                                }
                            }
                        }
                    }
                }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// The worker's connected clients, each of which hears every event.
actor WorkerClients {
    private var sinks: [Int: AsyncStream<QMPValue>.Continuation] = [:]
    private var next = 0

    func add(_ sink: AsyncStream<QMPValue>.Continuation) -> Int {
        next += 1
        sinks[next] = sink
        return next
    }

    func remove(_ client: Int) {
        sinks.removeValue(forKey: client)?.finish()
    }

    func broadcast(_ event: ClassicScheduler.Event) {
        let message: QMPValue?
        switch event {
        case .ready(let id, let line):
            message = try? .object([
                "event": .string(WorkerProtocol.readyEvent),
                "data": QMPValue(encoding: WorkerProtocol.Ready(id: id, line: line)),
            ])
        case .exited(let id, let guestInitiated, let requested, let reason):
            message = try? .object([
                "event": .string(WorkerProtocol.exitedEvent),
                "data": QMPValue(
                    encoding: WorkerProtocol.Exit(id: id, guest: guestInitiated, requested: requested, reason: reason)),
            ])
        }
        guard let message else { return }
        for sink in sinks.values { sink.yield(message) }
    }
}
