import API
import Logging
import ServiceLifecycle
import Store

/// Watches the replicas of every volume and rebuilds a missing or wrong-sized one from its healthy peer,
/// as an EBS storage server would re-mirror. Runs every `interval`, and at once when woken (for example by
/// `DescribeVolumeStatus` seeing an impaired volume).
public final class ReplicaRepairer: Service, Sendable {
    private let volumes: VolumeService
    private let interval: Duration
    private let wakeups: AsyncStream<Void>
    private let wakeupContinuation: AsyncStream<Void>.Continuation
    private let logger = Logger(label: "iaas.ebs.repair")

    public init(volumes: VolumeService, interval: Duration) {
        self.volumes = volumes
        self.interval = interval
        (wakeups, wakeupContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass as soon as possible.
    public func wake() {
        wakeupContinuation.yield()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // The clock only wakes the loop; a pass never overlaps another.
                group.addTask { [interval, wakeupContinuation] in
                    while (try? await Task.sleep(for: interval)) != nil {
                        wakeupContinuation.yield()
                    }
                }
                for await _ in wakeups {
                    await repairPass()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [wakeupContinuation] in
            wakeupContinuation.finish()
        }
    }

    /// Checks every volume once and repairs what it can; returns how many replicas it rebuilt.
    @discardableResult
    public func repairPass() async -> Int {
        let records: [VolumeRecord]
        do {
            records = try await volumes.visibleVolumes(ids: nil).filter { VolumeLifecycle.isRepairable($0.state) }
        } catch {
            logger.error("repair pass could not list volumes", metadata: ["iaas.error": "\(error)"])
            return 0
        }
        // A cheap look at every volume first; only a volume that looks impaired pays for the lock and the
        // careful re-check in `repair`.
        let suspects: [String]
        do {
            suspects = try await volumes.replicaHealth(of: records)
                .filter { $0.value.contains { $0 != .ok } }.map(\.key).sorted()
        } catch {
            logger.error("repair pass could not inspect replicas", metadata: ["iaas.error": "\(error)"])
            return 0
        }
        var repaired = 0
        for id in suspects {
            repaired += await repair(id)
        }
        return repaired
    }

    /// Rebuilds the impaired replicas of one volume from a healthy one, holding the volume's lock so no
    /// delete or grow runs meanwhile.
    private func repair(_ id: String) async -> Int {
        let volumes = self.volumes
        let logger = self.logger
        do {
            let rebuilt = try await volumes.withConfirmedHealth(of: id) { record, health throws(CloudError) -> Int in
                guard let source = health.firstIndex(of: .ok) else {
                    if !health.isEmpty {
                        logger.error("volume has no healthy replica", metadata: ["iaas.volume.id": "\(id)"])
                    }
                    return 0
                }
                let replicaFiles = volumes.replicaFiles(record)
                var rebuilt = 0
                for (replica, state) in health.enumerated() where state != .ok {
                    logger.warning(
                        "rebuilding replica",
                        metadata: [
                            "iaas.volume.id": "\(id)", "iaas.replica": "\(replica)", "iaas.replica.state": "\(state)",
                        ])
                    try await volumes.fileWork(id, "rebuild") { [files = volumes.files] () throws(FileSystemError) in
                        try files.repair(replicaFiles, replica: replica, from: source)
                    }
                    logger.notice(
                        "replica rebuilt", metadata: ["iaas.volume.id": "\(id)", "iaas.replica": "\(replica)"])
                    rebuilt += 1
                }
                return rebuilt
            }
            return rebuilt ?? 0
        } catch {
            logger.error("replica repair failed", metadata: ["iaas.volume.id": "\(id)", "iaas.error": "\(error)"])
            return 0
        }
    }
}
