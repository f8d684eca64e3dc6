import API
import Engine
import Foundation
import GRDB
import Logging
import Store

/// Brings compute up at start, as libvirt does: re-attaches to the machines still running, records the
/// instances whose machine ended while the daemon was away as `stopped` (with the reason), kills machines
/// half-started and boots their instances again, finishes interrupted stops and terminations, and kills
/// machines no instance owns.
public struct ComputeReconciler: Sendable {
    public struct Report: Sendable, Equatable {
        public var reattached = 0
        public var stoppedWhileAway = 0
        public var bootsResumed = 0
        public var stopsFinished = 0
        public var terminationsFinished = 0
        public var strayMachinesKilled = 0
        public var attachmentsFinished = 0
    }

    let service: InstanceService
    private let logger = Logger(label: "iaas.ec2.reconciler")

    public init(service: InstanceService) {
        self.service = service
    }

    public func run() async throws -> Report {
        var report = Report()
        let machines = Dictionary(
            await service.hypervisor.discover().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let instances = try await service.database.read { db in
            try InstanceRecord.filter(InstanceRecord.Columns.state != InstanceState.terminated.rawValue).fetchAll(db)
        }
        let owned = Set(instances.map(\.id))
        for (id, _) in machines where !owned.contains(id) {
            await service.hypervisor.kill(id)
            logger.notice("killed a machine no instance owns", metadata: ["iaas.instance.id": "\(id)"])
            report.strayMachinesKilled += 1
        }
        for instance in instances {
            let machine = machines[instance.id]
            switch instance.state {
            case .running:
                if let machine {
                    if machine.status == .paused {
                        // Paused for a snapshot when the daemon went away: the snapshot is judged lost, the
                        // guest goes on.
                        try? await service.hypervisor.resume(instance.id)
                    }
                    report.reattached += 1
                    logger.info("re-attached to a running instance", metadata: ["iaas.instance.id": "\(instance.id)"])
                } else {
                    await service.settle(
                        instance.id, from: .running, to: .stopped,
                        reason: (
                            "Server.InternalError",
                            "Server.InternalError: the instance's virtual machine ended while iaasd was not running"
                        ))
                    logger.notice(
                        "instance's machine ended while the daemon was away",
                        metadata: ["iaas.instance.id": "\(instance.id)"])
                    report.stoppedWhileAway += 1
                }
            case .pending:
                // Half-started: `boot` kills what is left and starts afresh.
                service.bootInBackground(instance.id)
                report.bootsResumed += 1
            case .stopping:
                await service.finishStop(instance.id, force: true)
                report.stopsFinished += 1
            case .shuttingDown:
                await service.finishTerminate(instance.id)
                report.terminationsFinished += 1
            case .stopped:
                if machine != nil {
                    await service.hypervisor.kill(instance.id)
                    report.strayMachinesKilled += 1
                }
            case .terminated:
                break
            }
        }
        // Attaches and detaches a crash interrupted (a root volume's attachment is its launch's).
        let pending = try await service.database.read { db in
            try VolumeAttachmentRecord.filter(["attaching", "detaching"].contains(Column("state")))
                .filter(Column("device") != InstanceService.rootDevice)
                // Volumes of a launch that are still being made are the boot's to finish.
                .filter(sql: "volumeId NOT IN (SELECT id FROM volume WHERE state = 'creating')").fetchAll(db)
        }
        for attachment in pending {
            if attachment.state == "attaching" {
                await service.finishAttach(attachment.volumeId, instance: attachment.instanceId)
            } else {
                await service.finishDetach(attachment.volumeId, instance: attachment.instanceId, force: true)
            }
            report.attachmentsFinished += 1
        }
        // Namespaces, bridges, taps, dnsmasq and NAT as the tables now say: found and kept when whole, made
        // where missing, leftovers of instances that are gone removed.
        await service.applyNetworkEverywhere()
        return report
    }
}
