import API
import Engine
import Foundation
import GRDB
import Store

extension InstanceService {
    /// `ec2.TerminateInstances`: (1) intent `shutting-down`; (2) the machine goes, then the volumes marked
    /// DeleteOnTermination (the root volume by default); (3) `terminated`, its addresses released. It stays
    /// listed for an hour.
    public func terminateInstances(_ request: InstanceIdsRequest) async throws(CloudError) -> TerminateInstancesResult {
        let reason = Self.userInitiated()
        let changes = try await transition(request.instanceIds, action: "terminated") { state in
            switch state {
            case .pending, .running, .stopping, .stopped: .shuttingDown
            case .shuttingDown, .terminated: nil
            }
        } update: { record in
            record.stateTransitionReason = reason
            record.stateReasonCode = "Client.UserInitiatedShutdown"
            record.stateReasonMessage = "Client.UserInitiatedShutdown: User initiated shutdown"
        }
        await CrashPoint.reach("instance.terminate.after-intent")
        for change in changes
        where change.currentState.name == InstanceState.shuttingDown.rawValue
            && change.previousState.name != InstanceState.shuttingDown.rawValue
        {
            let service = self
            Task { await service.finishTerminate(change.instanceId) }
        }
        return TerminateInstancesResult(terminatingInstances: changes)
    }

    /// Steps (2) and (3) of a terminate; also how the reconciler finishes one.
    func finishTerminate(_ id: String) async {
        await locks.withLock(id) { () async -> Void in
            await hypervisor.stop(id, grace: .seconds(10))
            await CrashPoint.reach("instance.terminate.after-machine")
            await eraseInstanceStore(id)
            do {
                try await deleteVolumesOnTermination(of: id)
            } catch {
                // The volumes stay `deleting`; the volume reconciler finishes them at the next start.
                logger.error(
                    "could not delete an instance's volumes",
                    metadata: ["iaas.instance.id": "\(id)", "iaas.error": "\(error)"])
            }
            await settle(id, from: .shuttingDown, to: .terminated)
            logger.info("instance terminated", metadata: ["iaas.instance.id": "\(id)"])
        }
    }

    /// Detaches every volume of the instance; those marked DeleteOnTermination go (intent `deleting`, files,
    /// row forgotten), the others become `available` (made first, if the instance never booted).
    private func deleteVolumesOnTermination(of id: String) async throws(CloudError) {
        let (doomed, unmade, image) = try await database.writeOrThrow {
            db throws(CloudError) -> ([VolumeRecord], [(VolumeRecord, isRoot: Bool)], ImageRecord?) in
            try db.catching {
                let attachments = try VolumeAttachmentRecord.filter(VolumeAttachmentRecord.Columns.instanceId == id)
                    .fetchAll(db)
                var doomed: [VolumeRecord] = []
                var unmade: [(VolumeRecord, isRoot: Bool)] = []
                for attachment in attachments {
                    guard var volume = try VolumeRecord.fetchOne(db, key: attachment.volumeId) else { continue }
                    if attachment.deleteOnTermination {
                        volume.state = .deleting
                        doomed.append(volume)
                    } else if volume.state == .creating {
                        unmade.append((volume, attachment.device == Self.rootDevice))
                    } else {
                        volume.state = .available
                    }
                    try volume.update(db)
                    try attachment.delete(db)
                }
                let instance = try InstanceRecord.fetchOne(db, key: id)
                return (doomed, unmade, try instance.flatMap { try ImageRecord.fetchOne(db, key: $0.imageId) })
            }
        }
        // A kept volume the launch had not made yet is made now, as the instance would have had it. (A crash
        // before this leaves it `creating` without an attachment: the volume reconciler then makes it, empty.)
        for (volume, isRoot) in unmade {
            try await makeLaunchVolume(volume, of: id, filledFrom: isRoot ? image : nil, attached: false)
        }
        for volume in doomed {
            try await volumes.removeFiles(of: volume)
            try await database.writeOrThrow { db throws(CloudError) in try VolumeService.forget(volume.id, in: db) }
            volumes.count.adjust(by: -1)
            logger.info(
                "volume deleted on termination",
                metadata: ["iaas.volume.id": "\(volume.id)", "iaas.instance.id": "\(id)"])
        }
    }

    /// `ec2.GetConsoleOutput`: the last 64 KiB of the instance's serial console, base64.
    public func getConsoleOutput(_ request: GetConsoleOutputRequest) async throws(CloudError) -> GetConsoleOutputResult
    {
        let record = try await database.readOrThrow { db in
            do { return try Self.fetch([request.instanceId], in: db)[0] } catch let error as CloudError { throw error }
        }
        let output = await hypervisor.consoleOutput(record.id)
        return GetConsoleOutputResult(
            instanceId: record.id, timestamp: Date(), output: Data(output).base64EncodedString())
    }
}
