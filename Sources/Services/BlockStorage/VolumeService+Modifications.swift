import API
import Foundation
import GRDB
import Store

extension VolumeService {
    static let modificationFilters: Set<String> = [
        "modification-state", "original-iops", "original-size", "original-volume-type", "start-time", "target-iops",
        "target-size", "target-volume-type", "targetMultiAttachEnabled", "volume-id",
    ]

    /// `ec2.DescribeVolumesModifications`: the most recent modification of each volume that has one.
    public func describeVolumesModifications(
        _ request: DescribeVolumesModificationsRequest
    ) async throws(CloudError) -> DescribeVolumesModificationsResult {
        let filters = try FilterSet(request.filters, supported: Self.modificationFilters)
        let ids = try VolumeErrors.explicitIds(request.volumeIds)
        let page = try Page(
            maxResults: request.maxResults, nextToken: request.nextToken, range: 5...500, withIds: ids != nil)
        let (visible, latest) = try await database.readOrThrow { db in
            let volumes = VolumeRecord.filter(VolumeRecord.Columns.state != VolumeState.deleted)
            let visible = try String.fetchSet(
                db,
                (ids.map { volumes.filter($0.contains(VolumeRecord.Columns.id)) } ?? volumes)
                    .select(VolumeRecord.Columns.id))
            let latest = try VolumeModificationRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM volumeModification WHERE id IN (SELECT MAX(id) FROM volumeModification GROUP BY volumeId)
                    ORDER BY volumeId
                    """)
            return (visible, latest.filter { visible.contains($0.volumeId) })
        }
        if let ids {
            let modified = Set(latest.map(\.volumeId))
            try VolumeErrors.requireFound(ids, in: visible)
            for id in ids {
                guard modified.contains(id) else {
                    throw CloudError(
                        code: "InvalidVolumeModification.NotFound",
                        message: "Modification for volume '\(id)' does not exist.")
                }
            }
        }
        let matching = latest.filter { modification in
            (ids?.contains(modification.volumeId) ?? true)
                && filters.matches { name in Self.attribute(name, of: modification) }
        }
        let (items, next) = page.apply(matching, id: \.volumeId)
        return DescribeVolumesModificationsResult(volumesModifications: items.map(Self.shape), nextToken: next)
    }

    static func attribute(_ name: String, of modification: VolumeModificationRecord) -> [String]? {
        switch name {
        case "modification-state": [modification.state.rawValue]
        case "original-iops": modification.originalIops.map { [String($0)] } ?? []
        case "original-size": [String(modification.originalSizeGiB)]
        case "original-volume-type": [modification.originalVolumeType]
        case "target-iops": modification.targetIops.map { [String($0)] } ?? []
        case "target-size": [String(modification.targetSizeGiB)]
        case "target-volume-type": [modification.targetVolumeType]
        case "targetMultiAttachEnabled": [String(modification.targetMultiAttachEnabled)]
        case "start-time": [modification.startTime.formatted(.iso8601)]
        case "volume-id": [modification.volumeId]
        default: nil
        }
    }
}
