import Foundation
import SystemPackage

/// The classic worker's processor: one thread that takes turns among the worker's guests, round robin, a
/// slice of instructions each; a guest waiting for its timer gets no turn until it is due, and the thread
/// sleeps when no guest can run. Commands (start, stop, ...) are queued to it and run between turns, so a
/// guest is only ever touched on this thread.
final class ClassicScheduler: @unchecked Sendable {
    /// What happened to a guest, for the worker's clients.
    enum Event: Sendable {
        case ready(id: String, line: String)
        /// The guest ended: it powered off (`guestInitiated`), failed, or was stopped or killed (`requested`).
        case exited(id: String, guestInitiated: Bool, requested: Bool, reason: String)
    }

    /// Instructions in one turn: about a millisecond of guest time at the hart's speed.
    static let slice = 150_000

    private let condition = NSCondition()
    /// Work for the thread; guarded by `condition`.
    private var inbox: [(ClassicScheduler) -> Void] = []
    /// The scheduler thread's own state.
    private var guests: [String: ClassicGuest] = [:]
    private var order: [String] = []
    private var kernels: [String: (modified: Date, image: ELFImage)] = [:]
    private let onEvent: @Sendable (Event) -> Void
    private let runDirectory: FilePath

    init(runDirectory: FilePath, onEvent: @escaping @Sendable (Event) -> Void) {
        self.runDirectory = runDirectory
        self.onEvent = onEvent
    }

    /// Starts the thread.
    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "classic-scheduler"
        thread.start()
    }

    /// Runs `work` on the scheduler's thread, between turns; returns its result.
    func perform<T: Sendable>(_ work: @escaping (ClassicScheduler) -> T) async -> T {
        await withCheckedContinuation { continuation in
            condition.lock()
            inbox.append { scheduler in continuation.resume(returning: work(scheduler)) }
            condition.signal()
            condition.unlock()
        }
    }

    /// How many guests the worker runs; for its idle exit.
    private(set) var count = 0

    private func loop() {
        while true {
            condition.lock()
            let work = inbox
            inbox.removeAll()
            condition.unlock()
            for item in work { item(self) }
            let next = runTurns()
            condition.lock()
            if inbox.isEmpty {
                switch next {
                case .now: break
                case .at(let due): _ = condition.wait(until: Date() + Self.seconds(due - .now))
                case .nothing: _ = condition.wait(until: Date() + 1)
                }
            }
            condition.unlock()
        }
    }

    /// When the next turn is due.
    private enum Next {
        case now
        case at(ContinuousClock.Instant)
        /// No guest can run until a command comes.
        case nothing
    }

    /// One round: a turn for every guest that can run. Returns when the next turn is due: now when a guest
    /// ran its whole slice, at the earliest timer otherwise.
    private func runTurns() -> Next {
        var busy = false
        var earliest: ContinuousClock.Instant?
        let now = ContinuousClock.now
        for id in order {
            guard let guest = guests[id], !guest.paused, !guest.waitsForever else { continue }
            if let due = guest.waitsUntil {
                if due > now {
                    earliest = min(earliest ?? due, due)
                    continue
                }
                guest.waitsUntil = nil
            }
            let started = ContinuousClock.now
            let turn = guest.monitor.turn(budget: Self.slice)
            guest.runTime += ContinuousClock.now - started
            if guest.flushConsole(), let line = guest.readinessLine { onEvent(.ready(id: id, line: line)) }
            switch turn {
            case .ran:
                busy = true
            case .idle(let until?):
                guest.waitsUntil = until
                earliest = min(earliest ?? until, until)
            case .idle(nil):
                guest.waitsForever = true
            case .ended(.reset):
                do { try guest.reboot() } catch { end(id, guestInitiated: false, requested: false, reason: "\(error)") }
                busy = true
            case .ended(let outcome):
                end(id, guestInitiated: !outcome.isFailure, requested: false, reason: "\(outcome)")
            }
        }
        if busy { return .now }
        return earliest.map { .at($0) } ?? .nothing
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: - Commands (on the thread)

    /// Starts a guest; nil, or why it could not start.
    func startGuest(_ description: MachineDescription) -> String? {
        guard guests[description.id] == nil else { return "machine \(description.id) is already running" }
        do {
            let kernel = try kernel(at: description.kernel)
            let files = MachineFiles(runDirectory: runDirectory, id: description.id)
            guests[description.id] = try ClassicGuest(description, files: files, kernel: kernel)
            order.append(description.id)
            count = guests.count
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A kernel, parsed once for all the guests that boot it (read again when the file changes).
    private func kernel(at path: String) throws(EngineError) -> ELFImage {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
        guard let modified else { throw .startFailed("no kernel at \(path)") }
        if let cached = kernels[path], cached.modified == modified { return cached.image }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw .startFailed("the kernel \(path) cannot be read")
        }
        do {
            let image = try ELFImage([UInt8](bytes))
            kernels[path] = (modified, image)
            return image
        } catch {
            throw .startFailed("the kernel \(path) is not a 32-bit RISC-V ELF executable: \(error)")
        }
    }

    /// Ends a guest the worker's client asked to end.
    func endGuest(_ id: String) -> Bool {
        guard guests[id] != nil else { return false }
        end(id, guestInitiated: false, requested: true, reason: "stopped")
        return true
    }

    private func end(_ id: String, guestInitiated: Bool, requested: Bool, reason: String) {
        guard let guest = guests.removeValue(forKey: id) else { return }
        _ = guest.flushConsole()
        guest.saveConsole()
        order.removeAll { $0 == id }
        count = guests.count
        onEvent(.exited(id: id, guestInitiated: guestInitiated, requested: requested, reason: reason))
    }

    func guest(_ id: String) -> ClassicGuest? { guests[id] }

    /// Every guest: id, whether paused, whether ready, its description.
    func list() -> [(id: String, paused: Bool, readinessLine: String?, description: MachineDescription)] {
        order.compactMap { id in
            guests[id].map { (id, $0.paused, $0.readinessLine, $0.description) }
        }
    }
}
