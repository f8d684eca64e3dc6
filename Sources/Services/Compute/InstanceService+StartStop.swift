import API
import Engine
import Foundation
import GRDB
import Store

extension InstanceService {
    /// `ec2.StopInstances`: (1) intent `stopping`; (2) the guest powers off (or is killed, with `Force`, or
    /// after a grace period); (3) `stopped`, its public address released. Answers at `stopping`.
    public func stopInstances(_ request: StopInstancesRequest) async throws(CloudError) -> StopInstancesResult {
        let reason = Self.userInitiated()
        let unstoppable = try await database.readOrThrow { db throws(CloudError) -> String? in
            try Self.fetch(request.instanceIds, in: db).first(where: \.hasInstanceStoreRoot)?.id
        }
        if let unstoppable {
            throw CloudError(
                code: "UnsupportedOperation",
                message: "The instance '\(unstoppable)' does not have an 'ebs' root device type and cannot be stopped.")
        }
        let changes = try await transition(request.instanceIds, action: "stopped") { state in
            switch state {
            case .running: .stopping
            case .stopping, .stopped: nil
            case .pending, .shuttingDown, .terminated: .refused
            }
        } update: { record in
            record.stateTransitionReason = reason
            record.stateReasonCode = "Client.UserInitiatedShutdown"
            record.stateReasonMessage = "Client.UserInitiatedShutdown: User initiated shutdown"
        }
        await CrashPoint.reach("instance.stop.after-intent")
        for change in changes where change.currentState.name == InstanceState.stopping.rawValue {
            let service = self
            let force = request.force ?? false
            Task { await service.finishStop(change.instanceId, force: force) }
        }
        return StopInstancesResult(stoppingInstances: changes)
    }

    /// Steps (2) and (3) of a stop; also how the reconciler finishes one.
    func finishStop(_ id: String, force: Bool) async {
        await locks.withLock(id) { () async -> Void in
            if force { await hypervisor.kill(id) } else { await hypervisor.stop(id, grace: .seconds(30)) }
            await CrashPoint.reach("instance.stop.after-machine")
            await eraseInstanceStore(id)
            await settle(id, from: .stopping, to: .stopped)
            logger.info("instance stopped", metadata: ["iaas.instance.id": "\(id)"])
        }
    }

    /// `ec2.StartInstances`: a `stopped` instance goes `pending` and boots in the background.
    public func startInstances(_ request: InstanceIdsRequest) async throws(CloudError) -> StartInstancesResult {
        let changes = try await transition(request.instanceIds, action: "started") { state in
            switch state {
            case .stopped: .pending
            case .pending, .running: nil
            case .stopping, .shuttingDown, .terminated: .refused
            }
        } update: { record in
            record.stateTransitionReason = nil
            record.stateReasonCode = nil
            record.stateReasonMessage = nil
        }
        for change in changes where change.previousState.name == InstanceState.stopped.rawValue {
            logger.info("instance starting", metadata: ["iaas.instance.id": "\(change.instanceId)"])
            bootInBackground(change.instanceId)
        }
        return StartInstancesResult(startingInstances: changes)
    }

    /// `ec2.RebootInstances`: a reset of the running machine; the instance stays `running`.
    public func rebootInstances(_ request: InstanceIdsRequest) async throws(CloudError) -> ReturnResult {
        let records = try await database.readOrThrow { db in
            do { return try Self.fetch(request.instanceIds, in: db) } catch let error as CloudError { throw error }
        }
        for record in records where record.state != .running {
            throw ComputeErrors.incorrectState(record.id, record.state.rawValue, action: "rebooted")
        }
        for record in records {
            try await locks.withLock(record.id) { () async throws(CloudError) in
                do {
                    try await hypervisor.reboot(record.id)
                } catch {
                    throw InternalFault.cloudError(
                        error, while: "reboot the instance", logger: logger,
                        metadata: ["iaas.instance.id": "\(record.id)"])
                }
            }
            logger.info("instance rebooted", metadata: ["iaas.instance.id": "\(record.id)"])
        }
        return ReturnResult()
    }

    /// What a transition does to an instance in a given state; nil: already there or on its way (reported,
    /// unchanged).
    enum Step {
        case to(InstanceState)
        /// IncorrectInstanceState.
        case refused

        static var stopping: Step { .to(.stopping) }
        static var pending: Step { .to(.pending) }
        static var shuttingDown: Step { .to(.shuttingDown) }
    }

    /// Moves every instance of a request to its next state in one transaction, all or none: one instance in
    /// a state the action does not take from refuses the whole request, as in AWS.
    func transition(
        _ ids: [String], action: String, _ step: @escaping @Sendable (InstanceState) -> Step?,
        update: @escaping @Sendable (inout InstanceRecord) -> Void
    ) async throws(CloudError) -> [InstanceStateChange] {
        guard !ids.isEmpty else { throw .missingParameter("InstanceId") }
        return try await database.writeOrThrow { db throws(CloudError) -> [InstanceStateChange] in
            var changes: [InstanceStateChange] = []
            for var record in try Self.fetch(ids, in: db) {
                let previous = record.state
                switch step(previous) {
                case .to(let next)?:
                    record.state = next
                    update(&record)
                    try db.catching { try record.update(db) }
                case .refused?:
                    throw ComputeErrors.incorrectState(record.id, previous.rawValue, action: action)
                case nil:
                    break
                }
                changes.append(
                    InstanceStateChange(
                        instanceId: record.id,
                        previousState: InstanceStateValue(code: previous.code, name: previous.rawValue),
                        currentState: InstanceStateValue(code: record.state.code, name: record.state.rawValue)))
            }
            return changes
        }
    }

    /// Commits the end of a transition if the instance is still in `from`: the public address is released.
    /// Returns whether it was.
    @discardableResult
    func settle(_ id: String, from: InstanceState, to: InstanceState, reason: (code: String, message: String)? = nil)
        async -> Bool
    {
        let settled = await commitSettle(id, from: from, to: to, reason: reason)
        // The tap, the NAT of the public address (and the lease, at terminate) go with the machine.
        if settled { await applyNetworkLater(instance: id) }
        return settled
    }

    private func commitSettle(
        _ id: String, from: InstanceState, to: InstanceState, reason: (code: String, message: String)?
    ) async -> Bool {
        do {
            return try await database.writeOrThrow { db throws(CloudError) -> Bool in
                try db.catching {
                    // An Elastic IP stays with a stopped instance; a terminated one lets it go.
                    if to == .terminated {
                        try AddressRecord.filter(AddressRecord.Columns.instanceId == id).updateAll(
                            db, AddressRecord.Columns.instanceId.set(to: nil),
                            AddressRecord.Columns.associationId.set(to: nil))
                    }
                    let elastic = try String.fetchOne(
                        db, sql: "SELECT publicIp FROM address WHERE instanceId = ?", arguments: [id])
                    var assignments = [
                        InstanceRecord.Columns.state.set(to: to.rawValue),
                        Column("lastPublicIp").set(to: InstanceRecord.Columns.publicIp),
                        InstanceRecord.Columns.publicIp.set(to: elastic),
                        Column("loopbackHttpPort").set(to: nil),
                    ]
                    if let reason {
                        assignments += [
                            Column("stateReasonCode").set(to: reason.code),
                            Column("stateReasonMessage").set(to: reason.message),
                        ]
                    }
                    if to == .terminated { assignments.append(Column("terminatedAt").set(to: Date())) }
                    return try InstanceRecord.filter(key: id).filter(InstanceRecord.Columns.state == from.rawValue)
                        .updateAll(db, assignments) == 1
                }
            }
        } catch {
            logger.error(
                "could not record an instance's new state; the next start does",
                metadata: ["iaas.instance.id": "\(id)", "iaas.error": "\(error)"])
            return false
        }
    }
}
