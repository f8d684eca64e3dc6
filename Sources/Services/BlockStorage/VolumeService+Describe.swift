import API
import GRDB
import Store

extension VolumeService {
    static let describeFilters: Set<String> = [
        "availability-zone", "status", "volume-type", "volume-id", "size", "tag-key", "multi-attach-enabled",
        "encrypted",
        "create-time",
    ]

    /// `ec2.DescribeVolumes`.
    public func describeVolumes(_ request: DescribeVolumesRequest) async throws(CloudError) -> DescribeVolumesResult {
        let filters = try FilterSet(request.filters, supported: Self.describeFilters, allowsTags: true)
        let page = try Page(
            maxResults: request.maxResults, nextToken: request.nextToken, range: 5...500,
            withIds: !(request.volumeIds ?? []).isEmpty
        )
        let ids = try VolumeErrors.explicitIds(request.volumeIds)
        let query = VolumeQuery(ids: ids, filters: request.filters)
        let (records, tags, attachments) = try await database.readOrThrow { db in
            let records = try query.fetch(page: page, in: db)
            // Past a few hundred ids, one pass over the whole tag table beats a long IN list (and SQLite's
            // bound on parameters).
            let tagged = records.count > 500 ? nil : records.map(\.id)
            let attachments = try VolumeAttachmentRecord.fetchAll(db)
            return (records, try TagService.tags(of: tagged, in: db), Dictionary(grouping: attachments, by: \.volumeId))
        }
        try VolumeErrors.requireFound(ids, in: Set(records.map(\.id)))
        // Filters SQL could not answer (wildcards) are applied here; exact ones match again, harmlessly.
        let matching = records.filter { record in
            filters.matches { name in Self.attribute(name, of: record, tags: tags[record.id] ?? []) }
        }
        let (items, next) = page.apply(matching, id: \.id)
        return DescribeVolumesResult(
            volumes: items.map { Self.volume($0, tags: tags[$0.id], attachments: attachments[$0.id] ?? []) },
            nextToken: next)
    }

    /// The visible volumes, sorted by id, or exactly the given ones (`InvalidVolume.NotFound` if one is absent).
    func visibleVolumes(ids: [String]?) async throws(CloudError) -> [VolumeRecord] {
        let ids = try VolumeErrors.explicitIds(ids)
        let query = VolumeQuery(ids: ids, filters: nil)
        let records = try await database.readOrThrow { db in try query.fetch(page: nil, in: db) }
        try VolumeErrors.requireFound(ids, in: Set(records.map(\.id)))
        return records
    }

    static func attribute(_ name: String, of record: VolumeRecord, tags: [Tag]) -> [String]? {
        switch name {
        case "availability-zone": return [record.zone]
        case "status": return [record.state.rawValue]
        case "volume-type": return [record.volumeType]
        case "volume-id": return [record.id]
        case "size": return [String(record.sizeGiB)]
        case "encrypted": return [String(record.encrypted)]
        case "multi-attach-enabled": return [String(record.multiAttachEnabled)]
        case "create-time": return [record.createTime.formatted(.iso8601)]
        default: return FilterSet.tagAttribute(name, of: tags)
        }
    }
}
