import API
import Foundation
import GRDB
import Store

extension QueueService {
    /// `sqs.CreateQueue`: idempotent for the same name and attributes; `QueueAlreadyExists` when they differ.
    public func createQueue(_ request: CreateQueueRequest) async throws(CloudError) -> QueueUrlResult {
        var attributes = QueueAttributes()
        try attributes.apply(request.attributes ?? [:], creating: true)
        try QueueName.validate(request.queueName, fifo: attributes.fifoQueue)
        let tags = request.tags ?? [:]
        try Self.validateTags(tags.entries.map { Tag(key: $0.key, value: $0.value) })
        let url = QueueURL(region: defaultRegion, account: account, name: request.queueName)
        try await checkRedrive(attributes, of: url)
        if let existing = await engine.queue(url) {
            if let differing = attributes.wire.first(where: { existing.attributes.wire[$0.key] != $0.value }) {
                throw SQSErrors.queueAlreadyExists(request.queueName, attribute: differing.key)
            }
            return QueueUrlResult(queueUrl: url.string)
        }
        let now = Self.now()
        let record = QueueRecord(
            id: ResourceID.make("sqs"), region: url.region, name: url.name, attributes: attributes.stored,
            createdAt: now, lastModifiedAt: now, state: .active)
        let cooldowns = self.cooldowns
        let created = try await database.writeOrThrow { db throws(CloudError) -> QueueRecord in
            let rows = try db.catching {
                try QueueRecord.filter(QueueRecord.Columns.region == url.region)
                    .filter(QueueRecord.Columns.name == url.name).filter(
                        QueueRecord.Columns.state != QueueState.deleted.rawValue
                    )
                    .fetchAll(db)
            }
            if let active = rows.first(where: { $0.state == .active }) { return active }
            if rows.contains(where: { $0.state == .deleting }) { throw SQSErrors.queueDeletedRecently() }
            if cooldowns.enforced {
                let recent = try db.catching {
                    try QueueRecord.filter(QueueRecord.Columns.region == url.region)
                        .filter(QueueRecord.Columns.name == url.name)
                        .filter(sql: "deletedAt > ?", arguments: [now - 60]).fetchCount(db)
                }
                if recent > 0 { throw SQSErrors.queueDeletedRecently() }
            }
            try db.catching { try record.insert(db) }
            try TagService.upsert(
                tags.entries.map { Tag(key: $0.key, value: $0.value) }, on: record.id, type: "queue", in: db)
            return record
        }
        await engine.register(Self.engineQueue(created, account: account))
        if created.id == record.id {
            logger.info(
                "queue created", metadata: ["iaas.queue.id": "\(record.id)", "iaas.queue.url": "\(url.string)"])
        }
        return QueueUrlResult(queueUrl: url.string)
    }

    static func engineQueue(_ record: QueueRecord, account: String) -> MessageEngine.Queue {
        MessageEngine.Queue(
            id: record.id, url: QueueURL(region: record.region, account: account, name: record.name),
            attributes: QueueAttributes(stored: record.attributes), createdAt: record.createdAt,
            lastModifiedAt: record.lastModifiedAt, purgedAt: record.purgedAt, purgeSequence: record.purgeSequence)
    }

    /// `sqs.GetQueueUrl`.
    public func getQueueUrl(_ request: GetQueueUrlRequest) async throws(CloudError) -> QueueUrlResult {
        if let owner = request.queueOwnerAWSAccountId, owner != account {
            throw SQSErrors.nonExistentQueue(request.queueName)
        }
        let url = QueueURL(region: defaultRegion, account: account, name: request.queueName)
        guard await engine.queue(url) != nil else { throw SQSErrors.nonExistentQueue(request.queueName) }
        return QueueUrlResult(queueUrl: url.string)
    }

    /// `sqs.ListQueues`: by name, with a prefix and pages of 1 to 1000.
    public func listQueues(_ request: ListQueuesRequest) async throws(CloudError) -> ListQueuesResult {
        let region = defaultRegion
        let prefix = request.queueNamePrefix ?? ""
        let urls = await engine.allQueues.filter { $0.url.region == region && $0.url.name.hasPrefix(prefix) }
            .map(\.url.string).sorted()
        let page = try Self.page(urls, maxResults: request.maxResults, nextToken: request.nextToken)
        return ListQueuesResult(queueUrls: page.items, nextToken: page.nextToken)
    }

    /// `sqs.GetQueueAttributes`.
    public func getQueueAttributes(_ request: GetQueueAttributesRequest) async throws(CloudError)
        -> GetQueueAttributesResult
    {
        let queue = try await queue(request.queueUrl)
        let counts = await engine.counts(queue.id, now: Self.now())
        var all = queue.attributes.wire
        all["ApproximateNumberOfMessages"] = String(counts.visible)
        all["ApproximateNumberOfMessagesNotVisible"] = String(counts.notVisible)
        all["ApproximateNumberOfMessagesDelayed"] = String(counts.delayed)
        all["CreatedTimestamp"] = String(Int(queue.createdAt))
        all["LastModifiedTimestamp"] = String(Int(queue.lastModifiedAt))
        all["QueueArn"] = queue.url.arn
        let names = request.attributeNames ?? []
        if names.isEmpty { return GetQueueAttributesResult(attributes: nil) }
        if names.contains("All") { return GetQueueAttributesResult(attributes: WireMap(all)) }
        var selected: [String: String] = [:]
        for name in names {
            if let value = all[name] {
                selected[name] = value
            } else if !["Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"].contains(name) {
                throw SQSErrors.invalidAttributeName(name)
            }
        }
        return GetQueueAttributesResult(attributes: WireMap(selected))
    }

    /// `sqs.SetQueueAttributes`.
    public func setQueueAttributes(_ request: SetQueueAttributesRequest) async throws(CloudError) -> EmptyResult {
        let queue = try await queue(request.queueUrl)
        var attributes = queue.attributes
        try attributes.apply(request.attributes)
        try await checkRedrive(attributes, of: queue.url)
        let now = Self.now()
        try await database.writeOrThrow { [attributes] db throws(CloudError) in
            try db.catching {
                try QueueRecord.filter(key: queue.id).updateAll(
                    db, Column("attributes").set(to: attributes.stored), Column("lastModifiedAt").set(to: now))
            }
        }
        await engine.update(queue.id) {
            $0.attributes = attributes
            $0.lastModifiedAt = now
        }
        logger.info("queue attributes set", metadata: ["iaas.queue.id": "\(queue.id)"])
        return EmptyResult()
    }

    /// Refuses a RedrivePolicy whose dead-letter queue does not exist here, is the queue itself, or does not
    /// allow this queue as a source (its RedriveAllowPolicy).
    func checkRedrive(_ attributes: QueueAttributes, of url: QueueURL) async throws(CloudError) {
        guard let policy = attributes.redrivePolicy else { return }
        func invalid(_ reason: String) -> CloudError {
            SQSErrors.invalidParameterValue(
                "Value \(policy.text) for parameter RedrivePolicy is invalid. Reason: \(reason)")
        }
        guard let target = QueueURL(arn: policy.deadLetterTargetArn), target.account == account,
            target.region == url.region, let dlq = await engine.queue(target)
        else { throw invalid("Dead-letter target does not exist.") }
        guard target != url else { throw invalid("A queue cannot be its own dead-letter queue.") }
        guard dlq.attributes.fifoQueue == attributes.fifoQueue else {
            throw invalid("Dead-letter queue must be same type of queue as the source.")
        }
        if let allow = dlq.attributes.redriveAllowPolicy, !allow.allows(url.arn) {
            throw invalid("Queue \(target.arn) does not allow \(url.arn) as a dead-letter source (RedriveAllowPolicy).")
        }
    }

    /// `sqs.ListDeadLetterSourceQueues`: the queues whose RedrivePolicy names this one.
    public func listDeadLetterSourceQueues(_ request: ListDeadLetterSourceQueuesRequest) async throws(CloudError)
        -> ListDeadLetterSourceQueuesResult
    {
        let queue = try await queue(request.queueUrl)
        let sources = await engine.allQueues.filter {
            $0.attributes.redrivePolicy?.deadLetterTargetArn == queue.url.arn
        }
        .map(\.url.string).sorted()
        let page = try Self.page(sources, maxResults: request.maxResults, nextToken: request.nextToken)
        return ListDeadLetterSourceQueuesResult(queueUrls: page.items, nextToken: page.nextToken)
    }

    /// A page of sorted URLs, as ListQueues and ListDeadLetterSourceQueues hand them out: without
    /// MaxResults the first 1000; with it, `MaxResults` after the URL the token names.
    static func page(_ urls: [String], maxResults: Int?, nextToken: String?) throws(CloudError) -> (
        items: [String], nextToken: String?
    ) {
        if let maxResults, !(1...1000).contains(maxResults) {
            throw SQSErrors.invalidParameterValue(
                "Value \(maxResults) for parameter MaxResults is invalid. Reason: Must be between 1 and 1000, if provided."
            )
        }
        if nextToken != nil, maxResults == nil {
            throw SQSErrors.invalidParameterValue("NextToken is only valid with MaxResults.")
        }
        guard let maxResults else { return (Array(urls.prefix(1000)), nil) }
        var start = 0
        if let nextToken {
            guard let after = Data(base64Encoded: nextToken).flatMap({ String(data: $0, encoding: .utf8) }) else {
                throw SQSErrors.invalidParameterValue("Invalid NextToken value.")
            }
            start = urls.firstIndex(where: { $0 > after }) ?? urls.count
        }
        let items = Array(urls[start..<min(urls.count, start + maxResults)])
        let more = start + maxResults < urls.count
        return (items, more ? items.last.map { Data($0.utf8).base64EncodedString() } : nil)
    }

    /// `sqs.DeleteQueue`: (1) intent `deleting`; (2) its messages leave every partition; (3) `deleted`,
    /// kept so the name waits 60 s before reuse.
    public func deleteQueue(_ request: QueueRequest) async throws(CloudError) -> EmptyResult {
        let queue = try await queue(request.queueUrl)
        let now = Self.now()
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try QueueRecord.filter(key: queue.id).updateAll(
                    db, QueueRecord.Columns.state.set(to: QueueState.deleting.rawValue),
                    Column("deletedAt").set(to: now))
            }
        }
        await engine.drop(queue.id)
        await CrashPoint.reach("sqs.queue.delete.after-intent")
        try await finishDelete(queue.id, region: queue.url.region)
        logger.info("queue deleted", metadata: ["iaas.queue.id": "\(queue.id)"])
        return EmptyResult()
    }

    /// Steps (2) and (3) of DeleteQueue; also how the reconciler finishes one.
    func finishDelete(_ id: String, region: String) async throws(CloudError) {
        await partitions[region]?.each { partition in try await partition.removeQueue(id) }
        await CrashPoint.reach("sqs.queue.delete.after-messages")
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try QueueRecord.filter(key: id).updateAll(
                    db, QueueRecord.Columns.state.set(to: QueueState.deleted.rawValue))
                _ = try TagRecord.filter(TagRecord.Columns.resourceId == id).deleteAll(db)
            }
        }
    }

    /// `sqs.PurgeQueue`: removes the messages sent before the call; one purge a minute.
    public func purgeQueue(_ request: QueueRequest) async throws(CloudError) -> EmptyResult {
        let queue = try await queue(request.queueUrl)
        let now = Self.now()
        if cooldowns.enforced, let last = queue.purgedAt, now - last < 60 {
            throw SQSErrors.purgeQueueInProgress(queue.url.name)
        }
        // (1) Intent: the purge's time and mark (every message sent so far has a lower sequence), not yet done.
        let mark = await engine.currentSequence
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try QueueRecord.filter(key: queue.id).updateAll(
                    db, Column("purgedAt").set(to: now), Column("purgeDone").set(to: false),
                    Column("purgeSequence").set(to: mark))
            }
        }
        await engine.update(queue.id) {
            $0.purgedAt = now
            $0.purgeSequence = mark
        }
        await CrashPoint.reach("sqs.queue.purge.after-intent")
        try await finishPurge(queue.id, region: queue.url.region, mark: mark)
        logger.info("queue purged", metadata: ["iaas.queue.id": "\(queue.id)"])
        return EmptyResult()
    }

    /// Steps (2) and (3) of PurgeQueue; also how the reconciler finishes one.
    func finishPurge(_ id: String, region: String, mark: Int64) async throws(CloudError) {
        _ = await engine.removeSequenced(id, before: mark)
        await partitions[region]?.each { partition in try await partition.removeSequenced(queue: id, before: mark) }
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching { try QueueRecord.filter(key: id).updateAll(db, Column("purgeDone").set(to: true)) }
        }
    }
}
