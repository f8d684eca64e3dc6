/// The host's engines as one `Hypervisor`: a machine starts on its architecture's driver (QEMU for x86-64,
/// the classic VMM for riscv32), and every later call about it goes to the driver that runs it. A machine
/// the engines have not seen since the daemon started (before `discover`) is asked of every driver.
public actor Engines: Hypervisor {
    public nonisolated let drivers: [Architecture: any Hypervisor]
    /// The x86-64 driver's name and disk limit, which Services ask without a machine in hand.
    public nonisolated let name: String
    public nonisolated let maxDisks: Int
    public nonisolated let events: AsyncStream<MachineEvent>
    private var owners: [String: Architecture] = [:]

    public init(_ drivers: [Architecture: any Hypervisor]) {
        self.drivers = drivers
        let primary = drivers[.x86_64] ?? drivers.values.first
        name = primary?.name ?? "none"
        maxDisks = primary?.maxDisks ?? 1
        let (events, sink) = AsyncStream<MachineEvent>.makeStream()
        self.events = events
        for driver in drivers.values {
            Task { for await event in driver.events { sink.yield(event) } }
        }
    }

    /// The driver that runs machines of `architecture`, if this host has one.
    public nonisolated func driver(for architecture: Architecture) -> (any Hypervisor)? {
        drivers[architecture]
    }

    /// The drivers that may run machine `id`: its own, or all when it is not known.
    private func candidates(_ id: String) -> [any Hypervisor] {
        if let owner = owners[id], let driver = drivers[owner] { return [driver] }
        return Architecture.allCases.compactMap { drivers[$0] }
    }

    public func start(_ machine: MachineDescription) async throws(EngineError) {
        guard let driver = drivers[machine.processor] else {
            throw .startFailed("this host has no engine for \(machine.processor.rawValue) machines")
        }
        owners[machine.id] = machine.processor
        try await driver.start(machine)
    }

    public func waitUntilReady(_ id: String, timeout: Duration) async throws(EngineError) -> GuestReadiness {
        guard let owner = owners[id], let driver = drivers[owner] else { throw .notRunning(id) }
        return try await driver.waitUntilReady(id, timeout: timeout)
    }

    public func stop(_ id: String, grace: Duration) async {
        for driver in candidates(id) { await driver.stop(id, grace: grace) }
    }

    public func kill(_ id: String) async {
        for driver in candidates(id) { await driver.kill(id) }
    }

    public func reboot(_ id: String) async throws(EngineError) {
        try await only(id).reboot(id)
    }

    public func pause(_ id: String) async throws(EngineError) {
        try await only(id).pause(id)
    }

    public func resume(_ id: String) async throws(EngineError) {
        try await only(id).resume(id)
    }

    public func status(_ id: String) async -> MachineStatus {
        for driver in candidates(id) {
            let status = await driver.status(id)
            if status != .stopped { return status }
        }
        return .stopped
    }

    public func consoleOutput(_ id: String) async -> [UInt8] {
        // Every driver keeps the console in the machine's run directory: the first driver reads it.
        guard let driver = candidates(id).first else { return [] }
        return await driver.consoleOutput(id)
    }

    public func attach(_ disk: Disk, to id: String) async throws(EngineError) {
        try await only(id).attach(disk, to: id)
    }

    public func detach(_ diskID: String, from id: String, force: Bool) async throws(EngineError) {
        try await only(id).detach(diskID, from: id, force: force)
    }

    public func statistics(_ id: String) async -> MachineStatistics? {
        for driver in candidates(id) {
            if let statistics = await driver.statistics(id) { return statistics }
        }
        return nil
    }

    public func discover() async -> [DiscoveredMachine] {
        var found: [DiscoveredMachine] = []
        for architecture in Architecture.allCases {
            guard let driver = drivers[architecture] else { continue }
            for machine in await driver.discover() {
                owners[machine.id] = architecture
                found.append(machine)
            }
        }
        return found
    }

    public func disconnect() async {
        for driver in drivers.values { await driver.disconnect() }
    }

    /// The driver running machine `id`; `notRunning` when none is known to.
    private func only(_ id: String) throws(EngineError) -> any Hypervisor {
        guard let owner = owners[id], let driver = drivers[owner] else { throw .notRunning(id) }
        return driver
    }
}
