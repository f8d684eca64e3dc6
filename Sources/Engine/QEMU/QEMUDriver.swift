import Foundation
import Logging
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The hosted driver: one `qemu-system-x86_64` per machine, daemonized (so it outlives the daemon), with a
/// pid file, a QMP socket and a console log under `run/<id>/`, driven over QMP.
public actor QEMUDriver: Hypervisor, WaitingDriver {
    public nonisolated let name = "qemu"
    /// The root disk and one per PCIe root port.
    public nonisolated let maxDisks = QEMUCommandLine.hotplugSlots + 1
    public nonisolated let events: AsyncStream<MachineEvent>
    private let sink: AsyncStream<MachineEvent>.Continuation
    private let runDirectory: FilePath
    private let binary: FilePath
    private var acceleration: Acceleration
    private let tscKHz: Int
    private let logger = Logger(label: "iaas.engine.qemu")

    /// A machine this driver is connected to.
    private struct Monitor {
        var connection: QMPConnection
        var pid: pid_t
        /// Set by QMP's SHUTDOWN event when the guest powered itself off.
        var guestInitiated = false
        /// Set by `stop` and `kill`: the exit is the driver's doing.
        var exitRequested = false
    }

    private var monitors: [String: Monitor] = [:]
    /// Callers waiting for something to happen: a machine's exit (`exit/<id>`), a device's removal
    /// (`device/<id>/<device>`). Woken when it happens, or at their timeout.
    var waiters = Waiters()
    /// Devices QEMU reported deleted before anyone waited for them.
    private var deletedDevices: Set<String> = []

    /// util-linux's `nsenter`, where Debian and others install it.
    static let nsenter = FilePath(
        ["/usr/bin/nsenter", "/usr/sbin/nsenter", "/bin/nsenter", "/sbin/nsenter"].first {
            access($0, X_OK) == 0
        } ?? "/usr/bin/nsenter")

    public init(runDirectory: FilePath, binary: FilePath, acceleration: Acceleration = .tcg, tscKHz: Int? = nil) {
        self.runDirectory = runDirectory
        self.binary = binary
        self.acceleration = acceleration
        self.tscKHz = tscKHz ?? Host.tscKHz()
        (events, sink) = AsyncStream<MachineEvent>.makeStream()
    }

    /// How machines started from now on run (a KVM probe's verdict may arrive after the first start).
    public func use(_ acceleration: Acceleration) {
        self.acceleration = acceleration
    }

    // MARK: - Start

    public func start(_ machine: MachineDescription) async throws(EngineError) {
        let files = MachineFiles(runDirectory: runDirectory, id: machine.id)
        guard files.shellSocket.string.utf8.count <= MachineFiles.maxSocketPath else {
            throw .startFailed("the data directory's path is too long for a control socket (\(files.controlSocket))")
        }
        if monitors[machine.id] != nil { throw .startFailed("machine \(machine.id) is already running") }
        let line = QEMUCommandLine(machine: machine, files: files, acceleration: acceleration, tscKHz: tscKHz)
        let (arguments, descriptors) = line.arguments()
        do {
            try MachineFileIO.prepare(files, description: machine, descriptors: descriptors)
        } catch {
            throw .startFailed("could not prepare \(files.directory): \(error)")
        }
        let result: ExecutionRecord
        do {
            // A machine on taps runs in their namespace: `nsenter` enters only the network namespace, then
            // execs QEMU, which daemonizes there.
            let (program, argv) =
                machine.networkNamespace.map {
                    (Self.nsenter, ["--net=\($0)", "--", binary.string] + arguments)
                } ?? (binary, arguments)
            let run = try await Subprocess.run(
                .path(program), arguments: Arguments(argv), input: .none, output: .discarded,
                error: .string(limit: 64 << 10))
            result = ExecutionRecord(status: run.terminationStatus, error: run.standardError)
        } catch {
            throw .startFailed("could not run \(binary): \(error)")
        }
        guard case .exited(0) = result.status else {
            let reason = result.error.split(separator: "\n").last.map(String.init) ?? "\(result.status)"
            throw .startFailed(reason)
        }
        guard let pid = MachineFileIO.pid(files) else {
            throw .startFailed("QEMU started but wrote no pid file")
        }
        do {
            try await connect(machine.id, files: files, pid: pid)
        } catch {
            _ = Glibc.kill(pid, SIGKILL)
            throw .startFailed("QEMU's QMP socket did not answer: \(error)")
        }
        logger.info(
            "machine started",
            metadata: ["iaas.instance.id": "\(machine.id)", "iaas.pid": "\(pid)", "iaas.accel": "\(acceleration)"])
    }

    private struct ExecutionRecord {
        var status: TerminationStatus
        var error: String
    }

    /// Connects to a machine's QMP socket, retrying while QEMU sets it up.
    private func connect(_ id: String, files: MachineFiles, pid: pid_t) async throws {
        var lastError: (any Error)?
        for _ in 0..<40 {
            do {
                let connection = try await QMPConnection.connect(
                    to: files.controlSocket.string,
                    onEvent: { [weak self] event, data in
                        Task { await self?.handle(event, data, of: id) }
                    },
                    onClose: { [weak self] in
                        Task { await self?.exited(id) }
                    })
                monitors[id] = Monitor(connection: connection, pid: pid)
                return
            } catch {
                lastError = error
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        throw lastError ?? QMPConnection.Failure(description: "no connection")
    }

    private func handle(_ event: String, _ data: QMPValue, of id: String) {
        switch event {
        case "SHUTDOWN":
            if data["guest"]?.bool == true { monitors[id]?.guestInitiated = true }
        case "DEVICE_DELETED":
            guard let device = data["device"]?.string else { return }
            let key = id + "/" + device
            deletedDevices.insert(key)
            wake("device/" + key)
        default:
            break
        }
    }

    private func exited(_ id: String) async {
        guard let monitor = monitors.removeValue(forKey: id) else { return }
        // QMP closes a moment before the process is gone (it is not our child: nothing to reap).
        for _ in 0..<100 where Host.isAlive(monitor.pid) { try? await Task.sleep(for: .milliseconds(2)) }
        let files = MachineFiles(runDirectory: runDirectory, id: id)
        try? FileManager.default.removeItem(atPath: files.pidFile.string)
        try? FileManager.default.removeItem(atPath: files.controlSocket.string)
        try? FileManager.default.removeItem(atPath: files.shellSocket.string)
        logger.info(
            "machine exited",
            metadata: ["iaas.instance.id": "\(id)", "iaas.guest-initiated": "\(monitor.guestInitiated)"])
        sink.yield(.exited(id: id, guestInitiated: monitor.guestInitiated, requested: monitor.exitRequested))
        wake("exit/" + id)
    }

    // MARK: - Readiness, console

    public func waitUntilReady(_ id: String, timeout: Duration) async throws(EngineError) -> GuestReadiness {
        let files = MachineFiles(runDirectory: runDirectory, id: id)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let console = MachineFileIO.tail(files.console, bytes: 1 << 20)
            if let readiness = GuestReadiness(console: console) { return readiness }
            if let report = Self.stall(in: console) { throw .stalled(report) }
            guard monitors[id] != nil else { throw .notReady("the machine stopped while booting") }
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw .notReady("no readiness line on the console within \(timeout)")
    }

    /// What Linux's RCU stall detector prints when a CPU has made no progress for 21 s. Before the readiness
    /// line it means an early boot that hung: under TCG a secondary vCPU now and then stops taking its timer
    /// interrupts (seen about once in 40 boots of a 2-vCPU guest on a loaded host).
    static let stallMarkers = [
        "rcu: INFO: rcu_preempt detected stalls", "rcu: INFO: rcu_sched detected stalls",
        "self-detected stall on CPU",
    ]

    /// The first stall report on the console, if any.
    static func stall(in console: [UInt8]) -> String? {
        let text = String(decoding: console, as: UTF8.self)
        guard stallMarkers.contains(where: { text.contains($0) }) else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first { line in
            stallMarkers.contains { line.contains($0) }
        }
        return line.map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    public func consoleOutput(_ id: String) async -> [UInt8] {
        MachineFileIO.tail(MachineFiles(runDirectory: runDirectory, id: id).console, bytes: 64 << 10)
    }

    // MARK: - Stop, kill, status

    public func stop(_ id: String, grace: Duration) async {
        guard let monitor = monitors[id] else {
            await kill(id)
            return
        }
        monitors[id]?.exitRequested = true
        _ = try? await monitor.connection.execute("system_powerdown")
        if await waitForExit(id, timeout: grace) { return }
        logger.notice("guest did not power off in time; quitting", metadata: ["iaas.instance.id": "\(id)"])
        _ = try? await monitor.connection.execute("quit")
        if await waitForExit(id, timeout: .seconds(3)) { return }
        await kill(id)
    }

    public func kill(_ id: String) async {
        let files = MachineFiles(runDirectory: runDirectory, id: id)
        guard let pid = monitors[id]?.pid ?? MachineFileIO.pid(files), Host.isQEMU(pid, of: files) else { return }
        monitors[id]?.exitRequested = true
        _ = Glibc.kill(pid, SIGKILL)
        if monitors[id] != nil {
            _ = await waitForExit(id, timeout: .seconds(5))
        } else {
            for _ in 0..<250 where Host.isAlive(pid) { try? await Task.sleep(for: .milliseconds(20)) }
            try? FileManager.default.removeItem(atPath: files.pidFile.string)
        }
    }

    public func reboot(_ id: String) async throws(EngineError) {
        try await command("system_reset", of: id)
    }

    /// QMP `stop`: QEMU drains and flushes every disk before the guest halts, so the replica files hold
    /// everything the guest wrote.
    public func pause(_ id: String) async throws(EngineError) {
        try await command("stop", of: id)
    }

    public func resume(_ id: String) async throws(EngineError) {
        try await command("cont", of: id)
    }

    private func command(_ name: String, of id: String) async throws(EngineError) {
        guard let monitor = monitors[id] else { throw .notRunning(id) }
        do {
            _ = try await monitor.connection.execute(name)
        } catch {
            throw .commandFailed("\(error)")
        }
    }

    /// Waits until the machine's QMP connection closed; false at the timeout.
    private func waitForExit(_ id: String, timeout: Duration) async -> Bool {
        guard monitors[id] != nil else { return true }
        await wait("exit/" + id, timeout: timeout)
        return monitors[id] == nil
    }

    public func status(_ id: String) async -> MachineStatus {
        guard let monitor = monitors[id] else { return .stopped }
        guard let reply = try? await monitor.connection.execute("query-status") else { return .stopped }
        return reply["running"]?.bool == true ? .running : .paused
    }

    // MARK: - Disks

    public func attach(_ disk: Disk, to id: String) async throws(EngineError) {
        guard let monitor = monitors[id] else { throw .notRunning(id) }
        let files = MachineFiles(runDirectory: runDirectory, id: id)
        let (nodes, descriptors) = QEMUCommandLine.blockdevs(disk, files: files)
        do {
            for descriptor in descriptors {
                try MachineFileIO.write(descriptor.text, to: descriptor.path)
            }
        } catch {
            throw .commandFailed("could not write the disk's descriptor: \(error)")
        }
        var added: [String] = []
        do {
            for node in nodes {
                let arguments = try JSONDecoder().decode([String: QMPValue].self, from: Data(node.utf8))
                _ = try await monitor.connection.execute("blockdev-add", arguments)
                added.append(arguments["node-name"]?.string ?? "")
            }
        } catch {
            for node in added.reversed() {
                _ = try? await monitor.connection.execute("blockdev-del", ["node-name": .string(node)])
            }
            throw .commandFailed("\(error)")
        }
        // The first free root port takes it.
        var lastError = "no free hot-plug slot"
        for slot in 0..<QEMUCommandLine.hotplugSlots {
            do {
                _ = try await monitor.connection.execute(
                    "device_add",
                    [
                        "driver": .string("virtio-blk-pci"), "id": .string(Self.deviceID(disk.id)),
                        "drive": .string(disk.id), "bus": .string(QEMUCommandLine.slotName(slot)),
                        "serial": .string(String(disk.id.prefix(20))),
                    ])
                // Attached once the guest has taken it: an unplug asked before that is ignored by the guest.
                await waitForGuest(Self.deviceID(disk.id), of: monitor, timeout: .seconds(30))
                logger.info(
                    "disk attached",
                    metadata: ["iaas.instance.id": "\(id)", "iaas.disk": "\(disk.id)", "slot": "\(slot)"])
                return
            } catch {
                lastError = "\(error)"
            }
        }
        for node in added.reversed() {
            _ = try? await monitor.connection.execute("blockdev-del", ["node-name": .string(node)])
        }
        throw .commandFailed(lastError)
    }

    /// Waits until the guest has taken a plugged disk: its PCI slot configured (QEMU reports the BARs at -1
    /// until then) and its virtio driver ready (`DRIVER_OK`). Only then has the guest's hot-plug controller
    /// finished bringing the slot up; an unplug asked before that may be ignored or, worse, cancel the plug.
    private func waitForGuest(_ device: String, of monitor: Monitor, timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        await waitForBARs(device, of: monitor, until: deadline)
        while ContinuousClock.now < deadline {
            guard
                let reply = try? await monitor.connection.execute(
                    "x-query-virtio-status", ["path": .string("/machine/peripheral/\(device)/virtio-backend")]),
                case .array(let statuses)? = reply["status"]?["statuses"]
            else { return }
            if statuses.contains(where: { $0.string?.contains("DRIVER_OK") == true }) { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func waitForBARs(_ device: String, of monitor: Monitor, until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            guard let buses = try? await monitor.connection.execute("query-pci"), case .array(let list) = buses else {
                return
            }
            for bus in list {
                guard case .array(let devices)? = bus["devices"] else { continue }
                for port in devices {
                    guard case .array(let behind)? = port["pci_bridge"]?["devices"] else { continue }
                    for candidate in behind where candidate["qdev_id"]?.string == device {
                        guard case .array(let regions)? = candidate["regions"] else { return }
                        let assigned = regions.contains { region in
                            if case .number(let address)? = region["address"] { return address >= 0 }
                            return false
                        }
                        if assigned { return }
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    public func detach(_ diskID: String, from id: String, force: Bool) async throws(EngineError) {
        guard let monitor = monitors[id] else { throw .notRunning(id) }
        let device = Self.deviceID(diskID)
        let key = id + "/" + device
        deletedDevices.remove(key)
        do {
            _ = try await monitor.connection.execute("device_del", ["id": .string(device)])
        } catch {
            throw .commandFailed("\(error)")
        }
        // The guest must let go of a PCIe device (about 1-5 s: the hot-plug controller's attention delay).
        // A guest still bringing the slot up (a detach right after an attach) ignores the attention button,
        // so it is pressed again each time QEMU lets it (a pending delete expires after 5 s); a press while
        // the guest's indicator blinks is refused by QEMU, never taken as a cancel.
        let deadline = ContinuousClock.now + (force ? .seconds(10) : .seconds(30))
        var released = await waitForDevice(key, timeout: .seconds(6))
        while !released && ContinuousClock.now < deadline {
            _ = try? await monitor.connection.execute("device_del", ["id": .string(device)])
            released = await waitForDevice(key, timeout: min(.seconds(6), deadline - ContinuousClock.now))
        }
        guard released else { throw .commandFailed("the guest did not release \(diskID)") }
        // The quorum node first, then its children.
        _ = try? await monitor.connection.execute("blockdev-del", ["node-name": .string(diskID)])
        for index in 0..<2 {
            _ = try? await monitor.connection.execute("blockdev-del", ["node-name": .string("\(diskID)-r\(index)")])
        }
    }

    private func waitForDevice(_ key: String, timeout: Duration) async -> Bool {
        if deletedDevices.remove(key) != nil { return true }
        await wait("device/" + key, timeout: timeout)
        return deletedDevices.remove(key) != nil
    }

    static func deviceID(_ diskID: String) -> String { "\(diskID)-device" }

    /// Lets go of every machine, leaving them running: what a daemon does as it stops, so the next one
    /// re-attaches (QMP serves one client at a time).
    public func disconnect() async {
        let connections = monitors.values.map(\.connection)
        monitors.removeAll()
        for connection in connections { await connection.close() }
    }

    // MARK: - Discovery

    public func discover() async -> [DiscoveredMachine] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: runDirectory.string) else {
            return []
        }
        var found: [DiscoveredMachine] = []
        for id in entries.sorted() {
            let files = MachineFiles(runDirectory: runDirectory, id: id)
            guard let pid = MachineFileIO.pid(files) else { continue }
            guard Host.isQEMU(pid, of: files) else {
                // A pid file whose process is gone (or is another program now): stale.
                try? FileManager.default.removeItem(atPath: files.pidFile.string)
                continue
            }
            if monitors[id] == nil {
                do {
                    try await connect(id, files: files, pid: pid)
                } catch {
                    logger.error(
                        "found a running machine whose QMP socket does not answer",
                        metadata: ["iaas.instance.id": "\(id)", "iaas.pid": "\(pid)"])
                    found.append(
                        DiscoveredMachine(id: id, status: .paused, description: MachineFileIO.description(files)))
                    continue
                }
            }
            found.append(
                DiscoveredMachine(id: id, status: await status(id), description: MachineFileIO.description(files)))
        }
        return found
    }
}
