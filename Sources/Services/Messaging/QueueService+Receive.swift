import API
import Foundation
import Store

extension QueueService {
    /// `sqs.ReceiveMessage`: up to 10 visible messages, each made invisible for the visibility timeout and
    /// given a fresh receipt handle. With `WaitTimeSeconds`, waits until a message is visible (long polling)
    /// and returns as soon as one is.
    public func receiveMessage(_ request: ReceiveMessageRequest) async throws(CloudError) -> ReceiveMessageResult {
        let queue = try await queue(request.queueUrl)
        let limit = request.maxNumberOfMessages ?? 1
        guard (1...10).contains(limit) else {
            throw SQSErrors.invalidParameterValue(
                "Value \(limit) for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
            )
        }
        let wait = request.waitTimeSeconds ?? queue.attributes.receiveMessageWaitTimeSeconds
        guard (0...20).contains(wait) else {
            throw SQSErrors.invalidParameterValue(
                "Value \(wait) for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
        }
        let visibility = request.visibilityTimeout ?? queue.attributes.visibilityTimeout
        guard (0...43_200).contains(visibility) else {
            throw SQSErrors.invalidParameterValue(
                "Value \(visibility) for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided."
            )
        }
        let attempt = queue.attributes.fifoQueue ? request.receiveRequestAttemptId : nil
        if let attempt {
            try FifoRules.validateAttemptId(attempt)
            // A retried receive (the answer was lost) gets the same messages and handles while they are in flight.
            if let again = await engine.repeatedAttempt(queue.id, attempt, now: Self.now()) {
                return ReceiveMessageResult(messages: try await deliver(again, of: queue, request: request))
            }
        }
        let deadline = Self.now() + Double(wait)
        while true {
            let now = Self.now()
            let cap = Self.configuredMaxInFlight
            let taken = await engine.receive(
                queue.id, limit: limit, now: now, visibility: Double(visibility), maxInFlight: cap)
            // At the in-flight cap a short poll is refused, as in AWS; a long poll waits as if empty.
            if taken == nil, wait == 0 { throw SQSErrors.overLimit(cap) }
            if let taken, !taken.isEmpty {
                let messages = try await deliver(taken, of: queue, request: request)
                if let attempt { await engine.recordAttempt(queue.id, attempt, taken, now: now) }
                // Every message taken may have gone to the dead-letter queue: then look again.
                if !messages.isEmpty { return ReceiveMessageResult(messages: messages) }
                continue
            }
            guard now < deadline, await engine.queue(id: queue.id) != nil else {
                return ReceiveMessageResult(messages: nil)
            }
            if taken == nil {
                // At the cap with messages visible: wait for a delete or a deadline, not in a busy loop.
                try? await Task.sleep(for: .milliseconds(100))
                continue
            }
            await engine.waitForMessages(queue.id, until: deadline, now: now)
        }
    }

    /// Persists the receives (a majority of partitions), then builds the messages from their stored rows.
    private func deliver(
        _ taken: [(id: String, entry: QueueIndex.Entry)], of queue: MessageEngine.Queue, request: ReceiveMessageRequest
    ) async throws(CloudError) -> [Message] {
        let set = try partitions(of: queue)
        var rows = await set.rows(queue: queue.id, ids: taken.map(\.id))
        // Received more often than the RedrivePolicy allows: moved to the dead-letter queue, not delivered.
        let redrive = await deadLetterQueue(of: queue)
        let limit = redrive?.max ?? .max
        let (moving, taken) = taken.partitioned { message in message.entry.receiveCount > limit }
        var writes: [MessageWrite] = taken.map { id, entry in
            .state(
                queue: queue.id, id: id, visibleAt: entry.visibleAt, receiveCount: entry.receiveCount,
                firstReceiveAt: entry.firstReceiveAt, version: entry.version)
        }
        var moved: [(id: String, entry: QueueIndex.Entry)] = []
        if let redrive {
            let now = Self.now()
            for (id, entry) in moving {
                guard let row = rows[id] else { continue }
                let move = await move(row, entry, to: redrive.queue.id, now: now, deadLetterSource: queue.url.arn)
                writes += move.writes
                moved.append((id, move.entry))
            }
        }
        // One commit: in each partition a move is one transaction, never a message in both queues or neither.
        try await set.commit(writes)
        await CrashPoint.reach("sqs.receive.after-commit")
        if let redrive, !moved.isEmpty {
            for (id, entry) in moved {
                _ = await engine.remove(queue.id, id)
                await engine.add(redrive.queue.id, id, entry)
                rows[id] = nil
            }
            logger.info(
                "moved messages to the dead-letter queue",
                metadata: [
                    "iaas.queue.id": "\(queue.id)", "iaas.dead-letter-queue.id": "\(redrive.queue.id)",
                    "iaas.message.count": "\(moved.count)",
                ])
        }
        let systemNames = Set((request.attributeNames ?? []) + (request.messageSystemAttributeNames ?? []))
        let attributeNames = request.messageAttributeNames ?? []
        return taken.compactMap { id, entry in
            guard let row = rows[id], let bodyData = row.body else { return nil }
            let body = String(decoding: bodyData, as: UTF8.self)
            let stored = row.attributes.flatMap {
                try? AWSCoding.decode(WireMap<MessageAttributeValue>.self, fromJSON: Array($0))
            }
            let (system, user) = (stored?.entries ?? [:]).partitioned { $0.key.hasPrefix(MessageRules.systemPrefix) }
            let selected = Self.select(Dictionary(uniqueKeysWithValues: user), names: attributeNames)
            var attributes = Self.systemAttributes(
                entry, row: row, fifo: queue.attributes.fifoQueue, names: systemNames, account: account)
            if systemNames.contains("All") || systemNames.contains("AWSTraceHeader"),
                let trace = system.first(where: { $0.key == MessageRules.systemPrefix + "AWSTraceHeader" })?.value
                    .stringValue
            {
                attributes = (attributes ?? [:])
                attributes?["AWSTraceHeader"] = trace
            }
            return Message(
                messageId: id,
                receiptHandle: ReceiptHandle(queue: queue.id, messageId: id, version: entry.version).string,
                md5OfBody: row.md5OfBody, body: body,
                attributes: attributes,
                md5OfMessageAttributes: MessageDigest.attributes(selected),
                messageAttributes: selected.isEmpty ? nil : WireMap(selected))
        }
    }

    /// The dead-letter queue a queue's RedrivePolicy names, if it exists.
    private func deadLetterQueue(of queue: MessageEngine.Queue) async -> (queue: MessageEngine.Queue, max: Int)? {
        guard let policy = queue.attributes.redrivePolicy, let url = QueueURL(arn: policy.deadLetterTargetArn),
            let dlq = await engine.queue(url)
        else { return nil }
        return (dlq, policy.maxReceiveCount)
    }

    /// `sqs.PeekMessages`: the oldest messages and their state, changing nothing.
    public func peekMessages(_ request: PeekMessagesRequest) async throws(CloudError) -> PeekMessagesResult {
        let queue = try await queue(request.queueUrl)
        let limit = request.maxNumberOfMessages ?? 10
        guard (1...100).contains(limit) else {
            throw SQSErrors.invalidParameterValue("MaxNumberOfMessages must be from 1 to 100 for a peek; got \(limit).")
        }
        let oldest = await engine.oldest(queue.id, limit: limit)
        let rows = try await partitions(of: queue).rows(queue: queue.id, ids: oldest.map(\.id))
        let now = Self.now()
        return PeekMessagesResult(
            messages: oldest.compactMap { id, entry in
                guard let body = rows[id]?.body else { return nil }
                let state = entry.visibleAt <= now ? "visible" : entry.receiveCount > 0 ? "in-flight" : "delayed"
                return PeekedMessage(
                    messageId: id, body: String(decoding: body, as: UTF8.self), state: state,
                    attributes: Self.systemAttributes(
                        entry, row: rows[id], fifo: queue.attributes.fifoQueue, names: ["All"], account: account)
                        ?? [:])
            })
    }

    /// The message attributes a receive asked for: `All`, `.*`, exact names, or `prefix.*`.
    static func select(_ attributes: [String: MessageAttributeValue], names: [String]) -> [String:
        MessageAttributeValue]
    {
        guard !names.isEmpty else { return [:] }
        if names.contains("All") || names.contains(".*") { return attributes }
        return attributes.filter { name, _ in
            names.contains { pattern in
                pattern.hasSuffix(".*") ? name.hasPrefix(String(pattern.dropLast(1))) : pattern == name
            }
        }
    }

    /// The system attributes a receive asked for.
    static func systemAttributes(
        _ entry: QueueIndex.Entry, row: MessageRow?, fifo: Bool, names: Set<String>, account: String
    ) -> WireMap<String>? {
        guard !names.isEmpty else { return nil }
        let all = names.contains("All")
        var values: [String: String] = [:]
        func milliseconds(_ seconds: Double) -> String { String(Int64((seconds * 1000).rounded())) }
        if all || names.contains("ApproximateReceiveCount") {
            values["ApproximateReceiveCount"] = String(entry.receiveCount)
        }
        if all || names.contains("SentTimestamp") { values["SentTimestamp"] = milliseconds(entry.sentAt) }
        if all || names.contains("ApproximateFirstReceiveTimestamp"), let first = entry.firstReceiveAt {
            values["ApproximateFirstReceiveTimestamp"] = milliseconds(first)
        }
        if all || names.contains("SenderId") { values["SenderId"] = account }
        if all || names.contains("MessageGroupId"), let group = row?.groupId { values["MessageGroupId"] = group }
        if all || names.contains("MessageDeduplicationId"), let id = row?.deduplicationId {
            values["MessageDeduplicationId"] = id
        }
        if fifo, all || names.contains("SequenceNumber") {
            values["SequenceNumber"] = FifoRules.sequenceNumber(entry.sequence)
        }
        return values.isEmpty ? nil : WireMap(values)
    }
}
