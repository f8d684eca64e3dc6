import API
import GRDB
import Store

/// Turns the `DescribeVolumes` filters SQLite can answer into SQL, so that a filtered or paged describe
/// reads only the rows it returns instead of every volume.
///
/// Exact-value filters on columns and tags are pushed down; a filter with wildcards (`*`, `?`) or on an
/// attribute with no column is left to `FilterSet` in Swift. Only when every filter was pushed down may
/// the page limit be pushed down too.
struct VolumeQuery {
    private(set) var request: QueryInterfaceRequest<VolumeRecord>
    /// Whether every filter is in the SQL, so the rows fetched are exactly the matching ones.
    private(set) var isExact = true

    private static let columns = [
        "availability-zone": "zone", "status": "state", "volume-type": "volumeType", "volume-id": "id",
    ]

    init(ids: [String]?, filters: [Filter]?) {
        request = VolumeRecord.filter(VolumeRecord.Columns.state != VolumeState.deleted)
        if let ids { request = request.filter(ids.contains(VolumeRecord.Columns.id)) }
        for filter in filters ?? [] { push(filter) }
    }

    private mutating func push(_ filter: Filter) {
        guard !filter.values.contains(where: Self.hasWildcard) else {
            isExact = false
            return
        }
        let values = filter.values
        if let column = Self.columns[filter.name] {
            request = request.filter(values.contains(Column(column)))
        } else if filter.name == "size" {
            request = request.filter(values.compactMap { Int($0) }.contains(Column("sizeGiB")))
        } else if filter.name == "encrypted" || filter.name == "multi-attach-enabled" {
            let column = Column(filter.name == "encrypted" ? "encrypted" : "multiAttachEnabled")
            request = request.filter(values.compactMap { Bool($0) }.contains(column))
        } else if filter.name == "tag-key" {
            request = request.filter(Self.hasTag(key: nil, among: values))
        } else if filter.name.hasPrefix("tag:") {
            request = request.filter(Self.hasTag(key: String(filter.name.dropFirst(4)), among: values))
        } else {
            isExact = false
        }
    }

    /// `EXISTS` a tag of the volume with the key (and one of the values), or with one of the keys.
    private static func hasTag(key: String?, among values: [String]) -> SQLExpression {
        let placeholders = Array(repeating: "?", count: values.count).joined(separator: ",")
        if let key {
            return SQL(
                sql:
                    "EXISTS (SELECT 1 FROM tag WHERE tag.resourceId = volume.id AND tag.key = ? AND tag.value IN (\(placeholders)))",
                arguments: StatementArguments([key] + values)
            ).sqlExpression
        }
        return SQL(
            sql: "EXISTS (SELECT 1 FROM tag WHERE tag.resourceId = volume.id AND tag.key IN (\(placeholders)))",
            arguments: StatementArguments(values)
        ).sqlExpression
    }

    private static func hasWildcard(_ value: String) -> Bool {
        value.contains { $0 == "*" || $0 == "?" || $0 == "\\" }
    }

    /// The rows to consider for a page, sorted by id: with an exact query, only the rows after the page
    /// token and one more than the page holds (to know whether another page follows); otherwise, or with no
    /// page, all candidates.
    func fetch(page: Page?, in db: Database) throws -> [VolumeRecord] {
        var request = self.request.order(VolumeRecord.Columns.id)
        if isExact, let page {
            if let after = page.after { request = request.filter(VolumeRecord.Columns.id > after) }
            if let limit = page.limit { request = request.limit(limit + 1) }
        }
        return try request.fetchAll(db)
    }
}
