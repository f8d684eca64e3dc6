import Engine
import Logging
import ServiceLifecycle
import Store

/// Records what happens to machines on their own: a guest that powered itself off leaves its instance
/// `stopped` (Client.InstanceInitiatedShutdown), a VMM that died (kill -9, a crash) leaves it `stopped` with
/// Server.InternalError. Stops and terminations the cloud itself performs are left to their actions.
public struct MachineEventMonitor: Service, Sendable {
    let service: InstanceService

    public init(service: InstanceService) {
        self.service = service
    }

    public func run() async throws {
        for await event in service.hypervisor.events.cancelOnGracefulShutdown() {
            guard case .exited(let id, let guestInitiated, let requested) = event, !requested else { continue }
            await service.machineExited(id, guestInitiated: guestInitiated)
        }
    }
}

extension InstanceService {
    func machineExited(_ id: String, guestInitiated: Bool) async {
        await locks.withLock(id) { () async -> Void in
            let reason =
                guestInitiated
                ? (
                    code: "Client.InstanceInitiatedShutdown",
                    message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown"
                )
                : (
                    code: "Server.InternalError",
                    message: "Server.InternalError: the instance's virtual machine ended unexpectedly"
                )
            let record = try? await database.readOrThrow { db in try InstanceRecord.fetchOne(db, key: id) }
            if record?.hasInstanceStoreRoot == true {
                // An instance-store-backed instance that shuts down is terminated, as on AWS: its root is gone.
                guard await settle(id, from: .running, to: .shuttingDown, reason: reason) else { return }
                let service = self
                Task { await service.finishTerminate(id) }
                logger.notice(
                    "instance-store-backed instance's machine ended on its own; terminating it",
                    metadata: ["iaas.instance.id": "\(id)", "iaas.reason": "\(reason.code)"])
                return
            }
            guard await settle(id, from: .running, to: .stopped, reason: reason) else { return }
            logger.notice(
                "instance's machine ended on its own",
                metadata: ["iaas.instance.id": "\(id)", "iaas.reason": "\(reason.code)"])
        }
    }
}
