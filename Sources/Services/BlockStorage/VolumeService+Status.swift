import API
import Store

extension VolumeService {
    /// `ec2.DescribeVolumeStatus`: `ok` when both replicas are whole; `impaired` while one is missing or the
    /// wrong size, which also asks the repairer to rebuild it from the healthy one.
    public func describeVolumeStatus(
        _ request: DescribeVolumeStatusRequest, repairer: ReplicaRepairer?
    ) async throws(CloudError) -> DescribeVolumeStatusResult {
        let filters = try FilterSet(
            request.filters,
            supported: [
                "availability-zone", "volume-status.status", "volume-status.details-name",
                "volume-status.details-status",
            ]
        )
        let page = try Page(
            maxResults: request.maxResults, nextToken: request.nextToken, range: 5...1000,
            withIds: !(request.volumeIds ?? []).isEmpty
        )
        let records = try await visibleVolumes(ids: request.volumeIds)
        let sweep = try await replicaHealth(of: records.filter { VolumeLifecycle.isRepairable($0.state) })
        var items: [VolumeStatusItem] = []
        var needsRepair = false
        for record in records {
            var health = sweep[record.id]
            if let looked = health, looked.contains(where: { $0 != .ok }) {
                // Confirm under the lock: a grow or a repair may be under way.
                health = try await withConfirmedHealth(of: record.id) { _, confirmed in confirmed }
            }
            let item = Self.statusItem(record, health: health)
            if item.volumeStatus.status == "impaired" { needsRepair = true }
            let matches = filters.matches { name in
                switch name {
                case "availability-zone": [item.availabilityZone]
                case "volume-status.status": [item.volumeStatus.status]
                case "volume-status.details-name": item.volumeStatus.details.map(\.name)
                case "volume-status.details-status": item.volumeStatus.details.map(\.status)
                default: nil
                }
            }
            if matches { items.append(item) }
        }
        if needsRepair { repairer?.wake() }
        let (pageItems, next) = page.apply(items, id: \.volumeId)
        return DescribeVolumeStatusResult(volumeStatuses: pageItems, nextToken: next)
    }

    /// The status of a volume with the given replica health; nil health (a volume being created, or gone
    /// meanwhile) is `insufficient-data`.
    static func statusItem(_ record: VolumeRecord, health: [ReplicaHealth]?) -> VolumeStatusItem {
        guard let health else {
            return VolumeStatusItem(
                volumeId: record.id, availabilityZone: record.zone,
                volumeStatus: VolumeStatusInfo(status: "insufficient-data", details: []), events: [], actions: []
            )
        }
        let healthy = health.filter { $0 == .ok }.count
        var details = [
            VolumeStatusDetail(name: "io-enabled", status: healthy > 0 ? "passed" : "failed"),
            VolumeStatusDetail(name: "io-performance", status: healthy == health.count ? "normal" : "degraded"),
        ]
        var events: [VolumeStatusEvent] = []
        for (replica, state) in health.enumerated() {
            details.append(VolumeStatusDetail(name: "replica-\(replica)", status: state == .ok ? "ok" : "\(state)"))
            if state != .ok {
                let plan =
                    healthy > 0
                    ? "being rebuilt from the healthy replica" : "lost with its peer; no replica to rebuild from"
                events.append(
                    VolumeStatusEvent(
                        eventType: "replica-impaired", description: "Replica ebs-\(replica) is \(state); it is \(plan)."
                    )
                )
            }
        }
        return VolumeStatusItem(
            volumeId: record.id, availabilityZone: record.zone,
            volumeStatus: VolumeStatusInfo(status: healthy == health.count ? "ok" : "impaired", details: details),
            events: events, actions: []
        )
    }
}
