import Foundation
import Logging
import SystemPackage

/// The classic driver: RISC-V machines on the built-in classic VMM, hosted by worker processes
/// (`iaas-vmm`), each running many guests on one core. Workers are started on demand, one per core at most,
/// with their sockets and logs under `run/classic/`; they outlive the daemon, and the next one connects to
/// them again (`discover`). A machine goes to the worker that hosts the fewest.
public actor ClassicDriver: Hypervisor, WaitingDriver {
    public nonisolated let name = "classic"
    /// The root disk; the classic board has no hot-plug.
    public nonisolated let maxDisks = 1
    public nonisolated let events: AsyncStream<MachineEvent>
    private let sink: AsyncStream<MachineEvent>.Continuation
    private let runDirectory: FilePath
    private let binary: FilePath
    private let workerCount: Int
    private let logger = Logger(label: "iaas.engine.classic")

    private var workers: [Int: QMPConnection] = [:]
    private var connecting: [Int: Task<QMPConnection, any Error>] = [:]
    /// Which worker runs each machine.
    private var placement: [String: Int] = [:]
    private var readinessLines: [String: String] = [:]
    private var paused: Set<String> = []
    /// Machines whose end this driver asked for.
    private var exitRequested: Set<String> = []
    var waiters = Waiters()
    /// Worker events, handled one at a time in the order they came: a guest's readiness before its exit.
    private let workerEvents: AsyncStream<(String, QMPValue)>.Continuation

    /// `binary` is `iaas-vmm`; `workers` the most worker processes (one per core by default).
    public init(runDirectory: FilePath, binary: FilePath, workers: Int? = nil) {
        self.runDirectory = runDirectory
        self.binary = binary
        workerCount = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
        (events, sink) = AsyncStream<MachineEvent>.makeStream()
        let (incoming, continuation) = AsyncStream<(String, QMPValue)>.makeStream()
        workerEvents = continuation
        Task { [weak self] in
            for await (event, data) in incoming { await self?.handle(event, data) }
        }
    }

    /// `iaas-vmm` beside the running executable, where SwiftPM and the install put it.
    public static func defaultBinary() -> FilePath {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return FilePath(executable.deletingLastPathComponent().appendingPathComponent("iaas-vmm").path)
    }

    private var directory: FilePath { runDirectory.appending("classic") }
    private func socket(_ worker: Int) -> FilePath { directory.appending("w\(worker).sock") }

    // MARK: - Workers

    /// The connection to a worker, starting the worker if it does not run.
    private func worker(_ index: Int) async throws(EngineError) -> QMPConnection {
        if let connection = workers[index] { return connection }
        let task =
            connecting[index]
            ?? Task { [binary, directory, runDirectory] in
                let socket = directory.appending("w\(index).sock")
                if let connection = try? await self.connect(index, socket: socket) { return connection }
                try Self.spawn(binary, index: index, directory: directory, runDirectory: runDirectory, socket: socket)
                var lastError: (any Error)?
                for _ in 0..<100 {
                    do { return try await self.connect(index, socket: socket) } catch { lastError = error }
                    try await Task.sleep(for: .milliseconds(20))
                }
                throw lastError ?? EngineError.startFailed("the worker did not answer")
            }
        connecting[index] = task
        defer { connecting[index] = nil }
        do {
            let connection = try await task.value
            workers[index] = connection
            return connection
        } catch {
            throw .startFailed("the classic worker \(index) could not be started: \(error)")
        }
    }

    private func connect(_ index: Int, socket: FilePath) async throws -> QMPConnection {
        try await QMPConnection.connect(
            to: socket.string,
            onEvent: { [workerEvents] event, data in workerEvents.yield((event, data)) },
            onClose: { [weak self] in Task { await self?.workerClosed(index) } })
    }

    /// Starts `iaas-vmm` for worker `index`, its output appended to `run/classic/w<index>.log`.
    private static func spawn(
        _ binary: FilePath, index: Int, directory: FilePath, runDirectory: FilePath, socket: FilePath
    ) throws {
        try FileManager.default.createDirectory(
            atPath: directory.string, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let logPath = directory.appending("w\(index).log").string
        if !FileManager.default.fileExists(atPath: logPath) {
            FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        _ = try? log.seekToEnd()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary.string)
        process.arguments = ["--socket", socket.string, "--run-directory", runDirectory.string]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
    }

    /// A worker's connection ended: the worker exited or died, and its machines with it.
    private func workerClosed(_ index: Int) {
        guard workers.removeValue(forKey: index) != nil else { return }
        let lost = placement.filter { $0.value == index }.map(\.key)
        for id in lost { machineEnded(id, guestInitiated: false) }
        if !lost.isEmpty {
            logger.error(
                "classic worker ended with machines on it",
                metadata: ["iaas.worker": "\(index)", "iaas.count": "\(lost.count)"])
        }
    }

    private func handle(_ event: String, _ data: QMPValue) {
        switch event {
        case WorkerProtocol.readyEvent:
            guard let ready = try? data.decoded(as: WorkerProtocol.Ready.self), placement[ready.id] != nil else {
                return
            }
            readinessLines[ready.id] = ready.line
            waiters.wake("ready/" + ready.id)
        case WorkerProtocol.exitedEvent:
            guard let exit = try? data.decoded(as: WorkerProtocol.Exit.self), placement[exit.id] != nil else { return }
            logger.info(
                "machine exited",
                metadata: [
                    "iaas.instance.id": "\(exit.id)", "iaas.guest-initiated": "\(exit.guest)",
                    "iaas.reason": "\(exit.reason)",
                ])
            machineEnded(exit.id, guestInitiated: exit.guest)
        default:
            break
        }
    }

    /// A machine ended. Its readiness line stays until its next start: a guest may print it and power off
    /// before its waiter looks.
    private func machineEnded(_ id: String, guestInitiated: Bool) {
        placement[id] = nil
        paused.remove(id)
        let requested = exitRequested.remove(id) != nil
        sink.yield(.exited(id: id, guestInitiated: guestInitiated, requested: requested))
        waiters.wake("ready/" + id)
        waiters.wake("exit/" + id)
    }

    /// Sends a command about machine `id` to its worker.
    @discardableResult
    private func command(_ name: String, _ id: String, arguments: [String: QMPValue] = [:]) async throws(EngineError)
        -> QMPValue
    {
        guard let index = placement[id], let connection = workers[index] else { throw .notRunning(id) }
        do {
            return try await connection.execute(name, arguments.merging(["id": .string(id)]) { first, _ in first })
        } catch {
            throw .commandFailed("\(error)")
        }
    }

    // MARK: - Hypervisor

    public func start(_ machine: MachineDescription) async throws(EngineError) {
        guard machine.processor == .riscv32 else {
            throw .startFailed("the classic engine runs riscv32 machines, not \(machine.processor.rawValue)")
        }
        guard placement[machine.id] == nil else { throw .startFailed("machine \(machine.id) is already running") }
        readinessLines[machine.id] = nil
        // No run directory while it runs: the worker keeps its console and writes it there when it ends.
        // The last run's console goes now, as QEMU's does at a start.
        _ = unlink(MachineFiles(runDirectory: runDirectory, id: machine.id).console.string)
        // The least loaded worker (placements count only machines this driver knows to run there).
        var load = Dictionary(uniqueKeysWithValues: (0..<workerCount).map { ($0, 0) })
        for index in placement.values { load[index, default: 0] += 1 }
        let index = load.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }?.key ?? 0
        placement[machine.id] = index
        do {
            let connection = try await worker(index)
            // Thousands of starts may queue behind one another: a generous bound.
            _ = try await connection.execute(
                WorkerProtocol.start, ["machine": try QMPValue(encoding: machine)], timeout: .seconds(120))
        } catch let error as EngineError {
            placement[machine.id] = nil
            throw error
        } catch {
            placement[machine.id] = nil
            throw .startFailed("\(error)")
        }
        logger.info("machine started", metadata: ["iaas.instance.id": "\(machine.id)", "iaas.worker": "\(index)"])
    }

    public func waitUntilReady(_ id: String, timeout: Duration) async throws(EngineError) -> GuestReadiness {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let line = readinessLines[id], let readiness = GuestReadiness(console: Array((line + "\n").utf8)) {
                return readiness
            }
            guard placement[id] != nil else { throw .notReady("the machine stopped while booting") }
            guard ContinuousClock.now < deadline else {
                throw .notReady("no readiness line on the console within \(timeout)")
            }
            await wait("ready/" + id, timeout: deadline - .now)
        }
    }

    /// The classic board has no power button: a stop ends the machine at once. Its disk lost nothing: every
    /// write of the guest reached the replica files when it completed.
    public func stop(_ id: String, grace: Duration) async {
        await kill(id)
    }

    public func kill(_ id: String) async {
        guard placement[id] != nil else { return }
        exitRequested.insert(id)
        do {
            try await command(WorkerProtocol.stop, id)
        } catch {
            // The worker no longer runs it, or is gone: either way it has ended.
            if placement[id] != nil { machineEnded(id, guestInitiated: false) }
            return
        }
        if placement[id] != nil { await wait("exit/" + id, timeout: .seconds(5)) }
    }

    public func reboot(_ id: String) async throws(EngineError) {
        try await command(WorkerProtocol.reboot, id)
        readinessLines[id] = nil
    }

    public func pause(_ id: String) async throws(EngineError) {
        try await command(WorkerProtocol.pause, id)
        paused.insert(id)
    }

    public func resume(_ id: String) async throws(EngineError) {
        try await command(WorkerProtocol.resume, id)
        paused.remove(id)
    }

    public func status(_ id: String) async -> MachineStatus {
        guard placement[id] != nil else { return .stopped }
        return paused.contains(id) ? .paused : .running
    }

    /// A running machine's console from its worker's memory; an ended one's from the file its worker wrote.
    public func consoleOutput(_ id: String) async -> [UInt8] {
        if placement[id] != nil, let reply = try? await command(WorkerProtocol.queryConsole, id),
            let text = reply.string, let data = Data(base64Encoded: text)
        {
            return [UInt8](data)
        }
        return MachineFileIO.tail(MachineFiles(runDirectory: runDirectory, id: id).console, bytes: 64 << 10)
    }

    public func attach(_ disk: Disk, to id: String) async throws(EngineError) {
        throw .commandFailed("the classic engine cannot plug a disk into a running machine; stop it first")
    }

    public func detach(_ diskID: String, from id: String, force: Bool) async throws(EngineError) {
        throw .commandFailed("the classic engine cannot unplug a disk from a running machine; stop it first")
    }

    public func statistics(_ id: String) async -> MachineStatistics? {
        guard let reply = try? await command(WorkerProtocol.queryStats, id) else { return nil }
        return try? reply.decoded(as: MachineStatistics.self)
    }

    /// The machines of the workers that run now (a worker's socket is there and it answers).
    public func discover() async -> [DiscoveredMachine] {
        var found: [DiscoveredMachine] = []
        for index in 0..<workerCount where FileManager.default.fileExists(atPath: socket(index).string) {
            guard let connection = try? await worker(index),
                let reply = try? await connection.execute(WorkerProtocol.queryMachines),
                let machines = try? reply.decoded(as: [WorkerProtocol.Machine].self)
            else { continue }
            for machine in machines {
                placement[machine.id] = index
                readinessLines[machine.id] = machine.readinessLine
                if machine.paused { paused.insert(machine.id) }
                found.append(
                    DiscoveredMachine(
                        id: machine.id, status: machine.paused ? .paused : .running, description: machine.description))
            }
        }
        return found
    }

    public func disconnect() async {
        for connection in workers.values { await connection.close() }
        workers.removeAll()
    }
}
