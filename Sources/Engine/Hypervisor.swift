import Foundation

/// What Services know of virtual machines: start, readiness, stop, kill, status, the console, disks
/// plugged in and out while running, and the machines found running at start-up. Drivers: QEMU (hosted)
/// and, later, the built-in classic VMM. A driver gets paths and machine descriptions, never tables.
public protocol Hypervisor: Sendable {
    /// The driver's name, as `DescribeInstances` may show it.
    var name: String { get }

    /// The most disks a machine can have, its root included.
    var maxDisks: Int { get }

    /// Starts a machine; returns once its VMM runs (the guest may still be booting).
    func start(_ machine: MachineDescription) async throws(EngineError)

    /// Waits until the guest printed its readiness line on the console; returns what it said.
    func waitUntilReady(_ id: String, timeout: Duration) async throws(EngineError) -> GuestReadiness

    /// Asks the guest to power off, then forces it after `grace`; returns once the machine is gone.
    func stop(_ id: String, grace: Duration) async

    /// Ends the machine at once.
    func kill(_ id: String) async

    /// Resets the machine (the guest boots again; the VMM stays).
    func reboot(_ id: String) async throws(EngineError)

    /// Halts the guest's processors, its disks drained and flushed (a snapshot's point in time).
    func pause(_ id: String) async throws(EngineError)

    /// Lets a paused guest run again.
    func resume(_ id: String) async throws(EngineError)

    /// Whether the machine runs.
    func status(_ id: String) async -> MachineStatus

    /// The console's output (the last 64 KiB, as EC2's GetConsoleOutput).
    func consoleOutput(_ id: String) async -> [UInt8]

    /// Plugs a disk into a running machine.
    func attach(_ disk: Disk, to id: String) async throws(EngineError)

    /// Unplugs a disk; returns once the guest released it (or `force`d).
    func detach(_ diskID: String, from id: String, force: Bool) async throws(EngineError)

    /// The machines of this driver that run now: re-attached at start-up, as libvirt does.
    func discover() async -> [DiscoveredMachine]

    /// Lets go of every machine, leaving them running (the daemon stops; the next one re-attaches).
    func disconnect() async

    /// Machine exits, as they happen (a guest that powered off, a VMM that died).
    var events: AsyncStream<MachineEvent> { get }

    /// What the VMM counted for a running machine (nil: not running, or a VMM that counts nothing).
    func statistics(_ id: String) async -> MachineStatistics?
}

extension Hypervisor {
    public func statistics(_ id: String) async -> MachineStatistics? { nil }
}

public enum MachineStatus: Sendable, Equatable {
    case running
    /// Started, and its VMM is paused or has not run the guest yet.
    case paused
    case stopped
}

/// What the guest's readiness line said: `iaas-guest: ready hostname=… address=… root=…`, which every
/// guest of ours prints on its console once it serves, whichever engine runs it.
public struct GuestReadiness: Sendable, Equatable {
    public var hostname: String
    public var address: String?
    public var rootMounted: Bool

    /// The line's start.
    public static let marker = "iaas-guest: ready"

    public init(hostname: String, address: String?, rootMounted: Bool) {
        self.hostname = hostname
        self.address = address
        self.rootMounted = rootMounted
    }

    /// The last readiness line of a console's output, if it has one (whole lines only: the console may be
    /// read while the guest is still writing one).
    public init?(console: [UInt8]) {
        guard let end = console.lastIndex(of: UInt8(ascii: "\n")) else { return nil }
        let text = String(decoding: console[...end], as: UTF8.self)
        // Serial lines end in "\r\n", one Character in Swift: split on any newline.
        guard let line = text.split(whereSeparator: \.isNewline).last(where: { $0.contains(Self.marker) }) else {
            return nil
        }
        var fields: [String: String] = [:]
        for word in line.split(separator: " ") {
            let pair = word.split(separator: "=", maxSplits: 1)
            if pair.count == 2 {
                fields[String(pair[0])] = String(pair[1]).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        hostname = fields["hostname"] ?? ""
        address = fields["address"].flatMap { $0 == "none" ? nil : $0 }
        rootMounted = fields["root"] == "mounted"
    }
}

public struct DiscoveredMachine: Sendable {
    public var id: String
    public var status: MachineStatus
    public var description: MachineDescription?
}

public enum MachineEvent: Sendable, Equatable {
    /// The machine's VMM ended; `guestInitiated` when the guest powered itself off, `requested` when the
    /// driver's own `stop` or `kill` ended it (the caller knows: nothing to record).
    case exited(id: String, guestInitiated: Bool, requested: Bool)
}
