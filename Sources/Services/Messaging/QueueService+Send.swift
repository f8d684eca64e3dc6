import API
import Foundation
import Store

extension QueueService {
    /// A message checked and ready to store.
    private struct Outgoing {
        var row: MessageRow
        var entry: QueueIndex.Entry
        var md5OfAttributes: String?
        var md5OfSystemAttributes: String?
    }

    private func prepare(
        body: String, delaySeconds: Int?, attributes: WireMap<MessageAttributeValue>?,
        systemAttributes: WireMap<MessageAttributeValue>?, queue: MessageEngine.Queue, now: Double
    ) async throws(CloudError) -> Outgoing {
        let attributes = attributes?.entries ?? [:]
        let system = systemAttributes?.entries ?? [:]
        try MessageRules.validateSystem(system)
        let size = try MessageRules.validate(
            body: body, attributes: attributes, maximumSize: queue.attributes.maximumMessageSize)
        let delay = delaySeconds ?? queue.attributes.delaySeconds
        guard (0...900).contains(delay) else {
            throw SQSErrors.invalidParameterValue(
                "Value \(delay) for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.")
        }
        let md5OfAttributes = MessageDigest.attributes(attributes)
        // System attributes are kept with the user's under their reserved names (`AWS.` + name), which no
        // user attribute may have.
        let stored = attributes.merging(system.map { (MessageRules.systemPrefix + $0.key, $0.value) }) { $1 }
        let attributeJSON = stored.isEmpty ? nil : try? Data(AWSCoding.encode(WireMap(stored)))
        let sequence = await engine.takeSequence()
        let id = UUID().uuidString.lowercased()
        let row = MessageRow(
            queue: queue.id, id: id, sequence: sequence, body: Data(body.utf8), attributes: attributeJSON,
            md5OfBody: MessageDigest.body(body), md5OfAttributes: md5OfAttributes, sentAt: now,
            visibleAt: now + Double(delay), receiveCount: 0, firstReceiveAt: nil, version: 1, deleted: false)
        let entry = QueueIndex.Entry(
            sequence: sequence, sentAt: now, visibleAt: row.visibleAt, receiveCount: 0, firstReceiveAt: nil,
            version: 1, size: size)
        return Outgoing(
            row: row, entry: entry, md5OfAttributes: md5OfAttributes,
            md5OfSystemAttributes: MessageDigest.attributes(system))
    }

    /// Stores messages in a majority of the region's partitions, then makes them receivable.
    private func store(_ outgoing: [Outgoing], in queue: MessageEngine.Queue) async throws(CloudError) {
        try await partitions(of: queue).commit(outgoing.map { .put($0.row) })
        await CrashPoint.reach("sqs.send.after-commit")
        for message in outgoing { await engine.add(queue.id, message.row.id, message.entry) }
    }

    /// `sqs.SendMessage`.
    public func sendMessage(_ request: SendMessageRequest) async throws(CloudError) -> SendMessageResult {
        let queue = try await queue(request.queueUrl)
        let message = try await prepare(
            body: request.messageBody, delaySeconds: request.delaySeconds, attributes: request.messageAttributes,
            systemAttributes: request.messageSystemAttributes, queue: queue, now: Self.now())
        try await store([message], in: queue)
        return SendMessageResult(
            messageId: message.row.id, md5OfMessageBody: message.row.md5OfBody,
            md5OfMessageAttributes: message.md5OfAttributes, md5OfMessageSystemAttributes: message.md5OfSystemAttributes
        )
    }

    /// `sqs.SendMessageBatch`: up to 10 entries, stored together; each answered on its own.
    public func sendMessageBatch(_ request: SendMessageBatchRequest) async throws(CloudError) -> SendMessageBatchResult
    {
        let queue = try await queue(request.queueUrl)
        try BatchRules.validate(ids: request.entries.map(\.id), entryName: "SendMessageBatchRequestEntry")
        // AWS's limit on a whole batch is 1 MiB whatever the queue's MaximumMessageSize, counting bodies and
        // attributes as a message's size counts them.
        let total = request.entries.reduce(0) { total, entry in
            total + entry.messageBody.utf8.count
                + (entry.messageAttributes?.entries ?? [:]).reduce(0) { sum, attribute in
                    sum + attribute.key.utf8.count + attribute.value.dataType.utf8.count
                        + (attribute.value.stringValue?.utf8.count ?? attribute.value.binaryValue?.utf8.count ?? 0)
                }
        }
        guard total <= Self.maxBatchBytes else {
            throw SQSErrors.batch(
                "BatchRequestTooLong",
                "Batch requests cannot be longer than \(Self.maxBatchBytes) bytes. You have sent \(total) bytes.")
        }
        let now = Self.now()
        var ready: [(id: String, message: Outgoing)] = []
        var failed: [BatchResultErrorEntry] = []
        for entry in request.entries {
            do throws(CloudError) {
                let message = try await prepare(
                    body: entry.messageBody, delaySeconds: entry.delaySeconds, attributes: entry.messageAttributes,
                    systemAttributes: entry.messageSystemAttributes,
                    queue: queue, now: now)
                ready.append((entry.id, message))
            } catch {
                failed.append(
                    BatchResultErrorEntry(id: entry.id, senderFault: true, code: error.code, message: error.message))
            }
        }
        if !ready.isEmpty { try await store(ready.map(\.message), in: queue) }
        return SendMessageBatchResult(
            successful: ready.map { id, message in
                SendMessageBatchResultEntry(
                    id: id, messageId: message.row.id, md5OfMessageBody: message.row.md5OfBody,
                    md5OfMessageAttributes: message.md5OfAttributes,
                    md5OfMessageSystemAttributes: message.md5OfSystemAttributes)
            }, failed: failed)
    }
}
