import API
import Foundation
import GRDB
import Store

extension InstanceService {
    static let statusFilters: Set<String> = [
        "availability-zone", "instance-state-name", "instance-state-code", "instance-status.status",
        "instance-status.reachability", "system-status.status", "system-status.reachability",
    ]

    /// `ec2.DescribeInstanceStatus`: the system check asks the engine whether the instance's VMM runs its
    /// guest; the instance check passed when the guest reached its readiness line, which is what `running`
    /// means here. Instances that do not run are listed only with `IncludeAllInstances`, as
    /// `not-applicable`.
    public func describeInstanceStatus(_ request: DescribeInstanceStatusRequest) async throws(CloudError)
        -> DescribeInstanceStatusResult
    {
        let filters = try FilterSet(request.filters, supported: Self.statusFilters)
        let ids = request.instanceIds ?? []
        let page = try Page(
            maxResults: request.maxResults, nextToken: request.nextToken, range: 5...1000, withIds: !ids.isEmpty)
        let includeAll = request.includeAllInstances ?? false
        let records = try await listed(ids)
        var statuses: [InstanceStatus] = []
        for record in records where includeAll || record.state == .running {
            let status = await status(of: record)
            let matches = filters.matches { name in
                switch name {
                case "availability-zone": [status.availabilityZone]
                case "instance-state-name": [status.instanceState.name]
                case "instance-state-code": [String(status.instanceState.code)]
                case "instance-status.status": [status.instanceStatus.status]
                case "instance-status.reachability": status.instanceStatus.details.map(\.status)
                case "system-status.status": [status.systemStatus.status]
                case "system-status.reachability": status.systemStatus.details.map(\.status)
                default: nil
                }
            }
            if matches { statuses.append(status) }
        }
        let (items, next) = page.apply(statuses, id: \.instanceId)
        return DescribeInstanceStatusResult(instanceStatuses: items, nextToken: next)
    }

    private func status(of record: InstanceRecord) async -> InstanceStatus {
        let state = InstanceStateValue(code: record.state.code, name: record.state.rawValue)
        guard record.state == .running else {
            let notApplicable = InstanceStatusSummary(status: "not-applicable", details: [])
            return InstanceStatus(
                instanceId: record.id, availabilityZone: record.zone, instanceState: state,
                systemStatus: notApplicable, instanceStatus: notApplicable)
        }
        // A VMM that died is seen by the event monitor, which stops the instance; until then, or while
        // the VMM is paused, the system check fails.
        let machine = await hypervisor.status(record.id)
        let system: InstanceStatusSummary
        let guest: InstanceStatusSummary
        if machine == .running {
            system = Self.summary(passed: true)
            guest = Self.summary(passed: true)
        } else {
            system = Self.summary(passed: false)
            guest = InstanceStatusSummary(
                status: "insufficient-data",
                details: [InstanceStatusDetails(name: "reachability", status: "insufficient-data")])
        }
        return InstanceStatus(
            instanceId: record.id, availabilityZone: record.zone, instanceState: state, systemStatus: system,
            instanceStatus: guest)
    }

    private static func summary(passed: Bool) -> InstanceStatusSummary {
        InstanceStatusSummary(
            status: passed ? "ok" : "impaired",
            details: [
                InstanceStatusDetails(
                    name: "reachability", status: passed ? "passed" : "failed", impairedSince: passed ? nil : Date())
            ])
    }
}
