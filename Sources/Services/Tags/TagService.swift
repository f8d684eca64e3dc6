import API
import GRDB
import Logging
import Store

/// `ec2.CreateTags`, `ec2.DeleteTags`, `ec2.DescribeTags`: tags on resources of every kind.
public struct TagService: Sendable {
    let database: StoreDatabase
    private let logger = Logger(label: "iaas.tags")

    public init(database: StoreDatabase) {
        self.database = database
    }

    public func createTags(_ request: CreateTagsRequest) async throws(CloudError) -> ReturnResult {
        try TagRules.validate(request.tags)
        let resources = try Self.resolveTypes(request.resources)
        try await database.writeOrThrow { db throws(CloudError) in
            for (id, type) in resources {
                try ResourceExistence.require(id, type: type, in: db)
                let existing = try db.catching {
                    try String.fetchSet(
                        db, TagRecord.filter(TagRecord.Columns.resourceId == id).select(TagRecord.Columns.key))
                }
                let total = existing.union(request.tags.map(\.key)).count
                guard total <= TagRules.maxTagsPerResource else {
                    throw CloudError(
                        code: "TagLimitExceeded",
                        message:
                            "Resource \(id) would have \(total) tags; a resource can have at most \(TagRules.maxTagsPerResource)."
                    )
                }
                try Self.upsert(request.tags, on: id, type: type, in: db)
            }
        }
        logger.info(
            "tags created",
            metadata: ["iaas.resource.ids": "\(request.resources)", "iaas.tag.count": "\(request.tags.count)"])
        return ReturnResult()
    }

    public func deleteTags(_ request: DeleteTagsRequest) async throws(CloudError) -> ReturnResult {
        let resources = try Self.resolveTypes(request.resources)
        for tag in request.tags ?? [] { try TagRules.validate(key: tag.key) }
        try await database.writeOrThrow { db throws(CloudError) in
            for (id, type) in resources {
                try ResourceExistence.require(id, type: type, in: db)
                try db.catching {
                    let ofResource = TagRecord.filter(TagRecord.Columns.resourceId == id)
                    guard let tags = request.tags else {
                        try ofResource.deleteAll(db)
                        return
                    }
                    for tag in tags {
                        var match = ofResource.filter(TagRecord.Columns.key == tag.key)
                        if let value = tag.value { match = match.filter(Column("value") == value) }
                        try match.deleteAll(db)
                    }
                }
            }
        }
        return ReturnResult()
    }

    public func describeTags(_ request: DescribeTagsRequest) async throws(CloudError) -> DescribeTagsResult {
        let filters = try FilterSet(request.filters, supported: ["key", "value", "resource-id", "resource-type"])
        let page = try Page(maxResults: request.maxResults, nextToken: request.nextToken, range: 5...1000)
        let records = try await database.readOrThrow { db in
            try TagRecord.order(TagRecord.Columns.resourceId, TagRecord.Columns.key).fetchAll(db)
        }
        let matching = records.filter { tag in
            filters.matches { name in
                switch name {
                case "key": [tag.key]
                case "value": [tag.value]
                case "resource-id": [tag.resourceId]
                case "resource-type": [tag.resourceType]
                default: nil
                }
            }
        }
        let (items, next) = page.apply(matching) { $0.resourceId + "\u{1}" + $0.key }
        return DescribeTagsResult(
            tags: items.map {
                TagDescription(key: $0.key, value: $0.value, resourceId: $0.resourceId, resourceType: $0.resourceType)
            },
            nextToken: next
        )
    }

    /// Adds or overwrites tags of one resource, inside the caller's transaction.
    static func upsert(_ tags: [Tag], on id: String, type: String, in db: Database) throws(CloudError) {
        try db.catching {
            for tag in tags {
                try TagRecord(resourceId: id, resourceType: type, key: tag.key, value: tag.value).upsert(db)
            }
        }
    }

    /// The tags of each of the given resources.
    static func tags(of ids: [String]?, in db: Database) throws -> [String: [Tag]] {
        var request = TagRecord.order(TagRecord.Columns.resourceId, TagRecord.Columns.key)
        if let ids { request = request.filter(ids.contains(TagRecord.Columns.resourceId)) }
        var byResource: [String: [Tag]] = [:]
        for record in try request.fetchAll(db) {
            byResource[record.resourceId, default: []].append(Tag(key: record.key, value: record.value))
        }
        return byResource
    }

    private static func resolveTypes(_ ids: [String]) throws(CloudError) -> [(String, String)] {
        guard !ids.isEmpty else { throw .missingParameter("ResourceId") }
        guard ids.count <= 1000 else {
            throw .invalidParameterValue("At most 1000 resources may be tagged in one request; got \(ids.count).")
        }
        return try ids.map { id throws(CloudError) in
            guard let type = ResourceID.resourceType(of: id) else {
                throw CloudError(code: "InvalidID", message: "The ID '\(id)' is not valid.")
            }
            return (id, type)
        }
    }
}
