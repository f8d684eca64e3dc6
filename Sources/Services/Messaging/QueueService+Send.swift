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
        /// A FIFO send's key in the deduplication window.
        var deduplicationKey: String?
    }

    /// What a send answers: the message stored, or for a FIFO duplicate, the message first sent.
    private struct Sent {
        var messageId: String
        var sequence: Int64
    }

    private func prepare(
        body: String, delaySeconds: Int?, attributes: WireMap<MessageAttributeValue>?,
        systemAttributes: WireMap<MessageAttributeValue>?, groupId: String?, deduplicationId: String?,
        queue: MessageEngine.Queue, now: Double
    ) async throws(CloudError) -> Outgoing {
        let attributes = attributes?.entries ?? [:]
        let system = systemAttributes?.entries ?? [:]
        try MessageRules.validateSystem(system)
        let size = try MessageRules.validate(
            body: body, attributes: attributes, maximumSize: queue.attributes.maximumMessageSize)
        let identity = try FifoRules.check(
            groupId: groupId, deduplicationId: deduplicationId, delaySeconds: delaySeconds, body: body,
            queue: queue.attributes)
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
            visibleAt: now + Double(delay), receiveCount: 0, firstReceiveAt: nil, version: 1, deleted: false,
            groupId: identity.groupId, deduplicationId: identity.deduplicationId)
        let entry = QueueIndex.Entry(
            sequence: sequence, sentAt: now, visibleAt: row.visibleAt, receiveCount: 0, firstReceiveAt: nil,
            version: 1, size: size, group: identity.groupId)
        return Outgoing(
            row: row, entry: entry, md5OfAttributes: md5OfAttributes,
            md5OfSystemAttributes: MessageDigest.attributes(system), deduplicationKey: identity.deduplicationKey)
    }

    /// Stores messages in a majority of the region's partitions, then makes them receivable. A FIFO message
    /// whose deduplication key was sent within the window is not stored: its answer is the first message.
    private func store(_ outgoing: [Outgoing], in queue: MessageEngine.Queue) async throws(CloudError) -> [Sent] {
        var sent: [Sent] = []
        var storing: [Outgoing] = []
        var claimed: [(key: String, messageId: String)] = []
        for message in outgoing {
            guard let key = message.deduplicationKey else {
                storing.append(message)
                sent.append(Sent(messageId: message.row.id, sequence: message.row.sequence))
                continue
            }
            if let earlier = storing.first(where: { $0.deduplicationKey == key }) {
                sent.append(Sent(messageId: earlier.row.id, sequence: earlier.row.sequence))
                continue
            }
            switch await claim(key, for: message, in: queue) {
            case .claimed:
                claimed.append((key, message.row.id))
                storing.append(message)
                sent.append(Sent(messageId: message.row.id, sequence: message.row.sequence))
            case .duplicate(let first):
                sent.append(Sent(messageId: first.messageId, sequence: first.sequence))
            case .pending:
                for claim in claimed {
                    await engine.releaseDeduplication(queue.id, key: claim.key, messageId: claim.messageId)
                }
                throw SQSErrors.unavailable(
                    "Another send with the same deduplication id is still being stored. Retry the send.")
            }
        }
        guard !storing.isEmpty else { return sent }
        var writes: [MessageWrite] = []
        for message in storing {
            writes.append(.put(message.row))
            if let key = message.deduplicationKey {
                writes.append(
                    .deduplication(
                        DeduplicationRow(
                            queue: queue.id, key: key, messageId: message.row.id, sequence: message.row.sequence,
                            at: message.row.sentAt)))
            }
        }
        do {
            try await partitions(of: queue).commit(writes)
        } catch {
            for claim in claimed {
                await engine.releaseDeduplication(queue.id, key: claim.key, messageId: claim.messageId)
            }
            throw error
        }
        await CrashPoint.reach("sqs.send.after-commit")
        for claim in claimed { await engine.confirmDeduplication(queue.id, key: claim.key) }
        for message in storing { await engine.add(queue.id, message.row.id, message.entry) }
        return sent
    }

    /// Claims a deduplication key, waiting (a few seconds at most) while a concurrent send of the same key
    /// commits, so the answer is that send's message or, if it failed, the key itself.
    private func claim(_ key: String, for message: Outgoing, in queue: MessageEngine.Queue) async
        -> DeduplicationWindow.Claim
    {
        for _ in 0..<1000 {
            let claim = await engine.claimDeduplication(
                queue.id, key: key, messageId: message.row.id, sequence: message.row.sequence, now: message.row.sentAt)
            guard claim == .pending else { return claim }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return .pending
    }

    /// `sqs.SendMessage`.
    public func sendMessage(_ request: SendMessageRequest) async throws(CloudError) -> SendMessageResult {
        let queue = try await queue(request.queueUrl)
        let message = try await prepare(
            body: request.messageBody, delaySeconds: request.delaySeconds, attributes: request.messageAttributes,
            systemAttributes: request.messageSystemAttributes, groupId: request.messageGroupId,
            deduplicationId: request.messageDeduplicationId, queue: queue, now: Self.now())
        let sent = try await store([message], in: queue)[0]
        return SendMessageResult(
            messageId: sent.messageId, md5OfMessageBody: message.row.md5OfBody,
            md5OfMessageAttributes: message.md5OfAttributes,
            md5OfMessageSystemAttributes: message.md5OfSystemAttributes,
            sequenceNumber: queue.attributes.fifoQueue ? FifoRules.sequenceNumber(sent.sequence) : nil)
    }

    /// `sqs.SendMessageBatch`: up to 10 entries, stored together; each answered on its own.
    public func sendMessageBatch(_ request: SendMessageBatchRequest) async throws(CloudError) -> SendMessageBatchResult
    {
        let queue = try await queue(request.queueUrl)
        try BatchRules.validate(ids: request.entries.map(\.id), entryName: "SendMessageBatchRequestEntry")
        // AWS's limit on a whole batch is 1 MiB whatever the queue's MaximumMessageSize, counting bodies and
        // attributes as a message's size counts them.
        let total = request.entries.reduce(0) { total, entry in
            total + MessageRules.size(body: entry.messageBody, attributes: entry.messageAttributes?.entries ?? [:])
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
                    systemAttributes: entry.messageSystemAttributes, groupId: entry.messageGroupId,
                    deduplicationId: entry.messageDeduplicationId, queue: queue, now: now)
                ready.append((entry.id, message))
            } catch {
                failed.append(
                    BatchResultErrorEntry(id: entry.id, senderFault: true, code: error.code, message: error.message))
            }
        }
        let sent = ready.isEmpty ? [] : try await store(ready.map(\.message), in: queue)
        return SendMessageBatchResult(
            successful: zip(ready, sent).map { entry, sent in
                SendMessageBatchResultEntry(
                    id: entry.id, messageId: sent.messageId, md5OfMessageBody: entry.message.row.md5OfBody,
                    md5OfMessageAttributes: entry.message.md5OfAttributes,
                    md5OfMessageSystemAttributes: entry.message.md5OfSystemAttributes,
                    sequenceNumber: queue.attributes.fifoQueue ? FifoRules.sequenceNumber(sent.sequence) : nil)
            }, failed: failed)
    }
}
