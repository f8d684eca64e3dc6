import API
import GRDB
import Store

extension QueueService {
    /// `sqs.TagQueue`: adds or overwrites tags; a queue has at most 50.
    public func tagQueue(_ request: TagQueueRequest) async throws(CloudError) -> EmptyResult {
        let queue = try await queue(request.queueUrl)
        let tags = request.tags.entries.map { Tag(key: $0.key, value: $0.value) }
        try Self.validateTags(tags)
        try await database.writeOrThrow { db throws(CloudError) in
            let existing = try db.catching {
                try String.fetchSet(
                    db, TagRecord.filter(TagRecord.Columns.resourceId == queue.id).select(TagRecord.Columns.key))
            }
            let total = existing.union(tags.map(\.key)).count
            guard total <= TagRules.maxTagsPerResource else {
                throw SQSErrors.invalidParameterValue(
                    "Too many tags: the queue would have \(total); a queue can have at most \(TagRules.maxTagsPerResource)."
                )
            }
            try TagService.upsert(tags, on: queue.id, type: "queue", in: db)
        }
        return EmptyResult()
    }

    /// `sqs.UntagQueue`.
    public func untagQueue(_ request: UntagQueueRequest) async throws(CloudError) -> EmptyResult {
        let queue = try await queue(request.queueUrl)
        guard !request.tagKeys.isEmpty else { throw .missingParameter("TagKeys") }
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                _ = try TagRecord.filter(TagRecord.Columns.resourceId == queue.id)
                    .filter(request.tagKeys.contains(TagRecord.Columns.key)).deleteAll(db)
            }
        }
        return EmptyResult()
    }

    /// `sqs.ListQueueTags`.
    public func listQueueTags(_ request: QueueRequest) async throws(CloudError) -> ListQueueTagsResult {
        let queue = try await queue(request.queueUrl)
        let tags = try await database.readOrThrow { db in
            try TagRecord.filter(TagRecord.Columns.resourceId == queue.id).fetchAll(db)
        }
        return ListQueueTagsResult(
            tags: tags.isEmpty ? nil : WireMap(Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })))
    }

    /// SQS's tag rules are EC2's, with SQS's error code.
    static func validateTags(_ tags: [Tag]) throws(CloudError) {
        do {
            try TagRules.validate(tags)
        } catch {
            throw SQSErrors.invalidParameterValue(error.message)
        }
    }
}
