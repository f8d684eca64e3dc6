import API
import Foundation
import Logging
import Store
import Synchronization
import SystemPackage

/// The message partitions of one region, one per zone, replicated by majority: a write is durable once a
/// majority of the region's partitions (2 of 3) have committed it, so losing one zone loses nothing
/// acknowledged. A partition that fails is set aside and its writes go on without it; `heal()` brings it
/// back (a new file if its file was lost) and copies into it what it missed.
final class PartitionSet: Sendable {
    let region: String
    let zones: [String]
    /// What the majority is counted against: every zone of the region, live or not.
    var majority: Int { zones.count / 2 + 1 }
    private let paths: [FilePath]
    private let slots: Mutex<[GroupCommitter?]>
    /// Partitions catching up: they get every new write, but count toward no majority until admitted.
    private let joining: Mutex<[Int: GroupCommitter]> = Mutex([:])
    private let logger = Logger(label: "iaas.sqs.partitions")

    init(region: String, zones: [String], dataDirectory: DataDirectory) {
        self.region = region
        self.zones = zones
        paths = zones.map { dataDirectory.zone($0).messages }
        slots = Mutex(Array(repeating: nil, count: zones.count))
    }

    /// Opens every partition that can be opened; returns how many are live.
    @discardableResult
    func open() -> Int {
        for index in zones.indices where slot(index) == nil {
            do {
                let partition = try MessagePartition(zone: zones[index], path: paths[index])
                slots.withLock { $0[index] = GroupCommitter(partition: partition) }
            } catch {
                logger.error(
                    "message partition cannot be opened",
                    metadata: ["iaas.zone": "\(zones[index])", "iaas.error": "\(error)"])
            }
        }
        return live.count
    }

    private func slot(_ index: Int) -> GroupCommitter? { slots.withLock { $0[index] } }

    /// The partitions in service, with their index.
    var live: [(index: Int, committer: GroupCommitter)] {
        slots.withLock { slots in slots.enumerated().compactMap { index, slot in slot.map { (index, $0) } } }
    }

    /// Sets a partition aside after a failure; writes go on to the others.
    ///
    /// - Parameter committer: the committer that failed; a late failure of one already replaced (the
    ///   partition was healed since) sets nothing aside.
    func setAside(_ index: Int, committer: GroupCommitter, because error: any Error) {
        let removed = slots.withLock { slots -> GroupCommitter? in
            guard let current = slots[index], current === committer else { return nil }
            slots[index] = nil
            return current
        }
        guard let removed else { return }
        logger.error(
            "message partition set aside; writes go on to the others",
            metadata: ["iaas.zone": "\(zones[index])", "iaas.error": "\(error)"])
        try? removed.partition.close()
    }

    /// Commits `writes` to every live partition and returns once a majority of the region's partitions hold
    /// them durably; the others finish in the background.
    func commit(_ writes: [MessageWrite]) async throws(CloudError) {
        for (index, committer) in joining.withLock({ $0 }) {
            Task {
                do {
                    try await committer.commit(writes)
                } catch {
                    self.abandonJoin(index, because: error)
                }
            }
        }
        let targets = live
        let needed = majority
        guard targets.count >= needed else {
            throw SQSErrors.unavailable(
                "Only \(targets.count) of the \(zones.count) message partitions of \(region) are available; \(needed) must hold a message. Retry later."
            )
        }
        let tally = Tally(needed: needed, total: targets.count)
        for target in targets {
            Task {
                do {
                    try await target.committer.commit(writes)
                    tally.succeeded()
                } catch {
                    self.setAside(target.index, committer: target.committer, because: error)
                    tally.failed()
                }
            }
        }
        guard await tally.wait() else {
            throw SQSErrors.unavailable(
                "The message could not be stored in \(needed) of the \(zones.count) partitions of \(region). Retry later."
            )
        }
    }

    /// The whole rows (bodies) of messages, from the first live partition that has each.
    func rows(queue: String, ids: [String]) async -> [String: MessageRow] {
        var found: [String: MessageRow] = [:]
        for target in live {
            let missing = ids.filter { found[$0] == nil }
            if missing.isEmpty { break }
            do {
                for row in try await target.committer.partition.rows(queue: queue, ids: missing) { found[row.id] = row }
            } catch {
                setAside(target.index, committer: target.committer, because: error)
            }
        }
        return found
    }

    /// Every live partition's delivery states, for rebuilding the index.
    func states() async -> [(committer: GroupCommitter, states: [MessageState])] {
        var all: [(GroupCommitter, [MessageState])] = []
        for target in live {
            do {
                all.append((target.committer, try await target.committer.partition.states()))
            } catch {
                setAside(target.index, committer: target.committer, because: error)
            }
        }
        return all
    }

    /// The FIFO deduplication ids every live partition remembers since `time`: their union.
    func deduplications(since time: Double) async -> [DeduplicationRow] {
        var all: [DeduplicationRow] = []
        for target in live {
            do {
                all += try await target.committer.partition.deduplications(since: time)
            } catch {
                setAside(target.index, committer: target.committer, because: error)
            }
        }
        return all
    }

    /// Whether every partition is in service: none set aside, none catching up.
    var allInService: Bool {
        joining.withLock { $0.isEmpty } && slots.withLock { slots in slots.allSatisfy { $0 != nil } }
    }

    /// Whether the index was rebuilt from a majority of the partitions at start. Until it was, a partition
    /// that comes back may hold messages the index lacks: healing then copies, but never removes.
    private let indexFromMajority = Mutex(false)

    var loadedFromMajority: Bool {
        get { indexFromMajority.withLock { $0 } }
        set { indexFromMajority.withLock { $0 = newValue } }
    }

    /// Runs `body` on every live partition, setting aside those that fail.
    func each(_ body: @Sendable (MessagePartition) async throws -> Void) async {
        for target in live {
            do {
                try await body(target.committer.partition)
            } catch {
                setAside(target.index, committer: target.committer, because: error)
            }
        }
    }

    /// Partitions whose file was deleted or replaced under them are lost: set aside.
    func checkIntegrity() {
        for target in live where !target.committer.partition.isIntact {
            setAside(target.index, committer: target.committer, because: PartitionLost())
        }
    }

    /// Indexes of partitions not in service and not catching up.
    var missing: [Int] {
        let catchingUp = Set(joining.withLock { $0.keys })
        return slots.withLock { slots in slots.indices.filter { slots[$0] == nil && !catchingUp.contains($0) } }
    }

    /// Opens a partition that was set aside, so that it gets every write from now on while it catches up;
    /// nil if it still cannot be opened. It serves (counts toward majorities, answers reads) after `admit`.
    func beginJoin(_ index: Int) async -> GroupCommitter? {
        // Opening runs SQLite's migrations and fsyncs: not on the event loops that serve requests.
        let (zone, path) = (zones[index], paths[index])
        let opened = try? await BlockingIO.run { () throws(FileSystemError) -> MessagePartition? in
            try? MessagePartition(zone: zone, path: path)
        }
        guard let partition = opened ?? nil else { return nil }
        let committer = GroupCommitter(partition: partition)
        joining.withLock { $0[index] = committer }
        return committer
    }

    func abandonJoin(_ index: Int, because error: any Error) {
        guard let committer = joining.withLock({ $0.removeValue(forKey: index) }) else { return }
        logger.error(
            "message partition could not catch up",
            metadata: ["iaas.zone": "\(zones[index])", "iaas.error": "\(error)"])
        try? committer.partition.close()
    }

    func admit(_ index: Int) {
        guard let committer = joining.withLock({ $0.removeValue(forKey: index) }) else { return }
        slots.withLock { $0[index] = committer }
        logger.notice("message partition back in service", metadata: ["iaas.zone": "\(zones[index])"])
    }

    func close() {
        for target in live { try? target.committer.partition.close() }
        for committer in joining.withLock({ $0.values }) { try? committer.partition.close() }
    }
}

struct PartitionLost: Error, CustomStringConvertible {
    var description: String { "the partition's file was deleted or replaced" }
}

/// Counts the answers of a replicated write until a majority succeeded or can no longer succeed.
private final class Tally: Sendable {
    private struct State {
        var succeeded = 0
        var failed = 0
        var waiter: CheckedContinuation<Bool, Never>?
        var outcome: Bool?
    }

    private let needed: Int
    private let total: Int
    private let state = Mutex(State())

    init(needed: Int, total: Int) {
        self.needed = needed
        self.total = total
    }

    func succeeded() { record { $0.succeeded += 1 } }
    func failed() { record { $0.failed += 1 } }

    private func record(_ change: (inout State) -> Void) {
        let resume = state.withLock { state -> (CheckedContinuation<Bool, Never>, Bool)? in
            change(&state)
            guard state.outcome == nil else { return nil }
            if state.succeeded >= needed {
                state.outcome = true
            } else if total - state.failed < needed {
                state.outcome = false
            } else {
                return nil
            }
            defer { state.waiter = nil }
            return state.waiter.map { ($0, state.outcome!) }
        }
        if let (waiter, outcome) = resume { waiter.resume(returning: outcome) }
    }

    /// True once a majority succeeded; false once too many failed.
    func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool? in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
