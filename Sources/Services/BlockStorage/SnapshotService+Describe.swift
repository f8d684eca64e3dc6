import API
import GRDB
import Store

extension SnapshotService {
    static let describeFilters: Set<String> = [
        "snapshot-id", "volume-id", "status", "owner-id", "description", "volume-size", "progress", "start-time",
        "encrypted", "storage-tier", "tag-key",
    ]

    /// `ec2.DescribeSnapshots`.
    public func describeSnapshots(_ request: DescribeSnapshotsRequest) async throws(CloudError)
        -> DescribeSnapshotsResult
    {
        let filters = try FilterSet(request.filters, supported: Self.describeFilters, allowsTags: true)
        let ids = request.snapshotIds.flatMap { $0.isEmpty ? nil : $0 }
        if let ids {
            try ListLimits.require(ids.count, valuesOf: "SnapshotIds")
            for id in ids { try SnapshotErrors.requireWellFormed(id) }
        }
        let page = try Page(
            maxResults: request.maxResults, nextToken: request.nextToken, range: 5...1000, withIds: ids != nil)
        let account = account
        if let owners = request.ownerIds, !owners.isEmpty, !owners.contains(where: { $0 == "self" || $0 == account }) {
            return DescribeSnapshotsResult(snapshots: [], nextToken: nil)
        }
        let (records, tags) = try await database.readOrThrow { db in
            var query = SnapshotRecord.order(SnapshotRecord.Columns.id)
            if let ids { query = query.filter(ids.contains(SnapshotRecord.Columns.id)) }
            let records = try query.fetchAll(db)
            return (records, try TagService.tags(of: records.count > 500 ? nil : records.map(\.id), in: db))
        }
        if let missing = ids?.first(where: { id in !records.contains { $0.id == id } }) {
            throw SnapshotErrors.notFound(missing)
        }
        let matching = records.filter { record in
            filters.matches { name in Self.attribute(name, of: record, tags: tags[record.id] ?? []) }
        }
        let (items, next) = page.apply(matching, id: \.id)
        return DescribeSnapshotsResult(snapshots: items.map { Self.snapshot($0, tags: tags[$0.id]) }, nextToken: next)
    }

    static func attribute(_ name: String, of record: SnapshotRecord, tags: [Tag]) -> [String]? {
        switch name {
        case "snapshot-id": return [record.id]
        case "volume-id": return [record.volumeId]
        case "status": return [record.state.rawValue]
        case "owner-id": return [record.ownerId]
        case "description": return [record.description]
        case "volume-size": return [String(record.volumeSizeGiB)]
        case "progress": return ["\(record.progress)%"]
        case "start-time": return [record.startTime.formatted(.iso8601)]
        case "encrypted": return ["false"]
        case "storage-tier": return ["standard"]
        default: return FilterSet.tagAttribute(name, of: tags)
        }
    }
}
