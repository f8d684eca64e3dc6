import API
import Foundation
import Store

extension QueueService {
    /// `sqs.DeleteMessage`: as in AWS, a handle from an earlier receive still deletes the message; a handle
    /// of a message already deleted succeeds and does nothing.
    public func deleteMessage(_ request: DeleteMessageRequest) async throws(CloudError) -> EmptyResult {
        let queue = try await queue(request.queueUrl)
        let handle = try ReceiptHandle(parsing: request.receiptHandle, queue: queue.id)
        try await delete([handle], in: queue)
        return EmptyResult()
    }

    /// Removes messages from the index, then writes their tombstones to a majority of partitions.
    private func delete(_ handles: [ReceiptHandle], in queue: MessageEngine.Queue) async throws(CloudError) {
        var writes: [MessageWrite] = []
        var removed: [(id: String, entry: QueueIndex.Entry)] = []
        let now = Self.now()
        for handle in handles {
            guard let entry = await engine.remove(queue.id, handle.messageId) else { continue }
            removed.append((handle.messageId, entry))
            writes.append(.delete(queue: queue.id, id: handle.messageId, version: entry.version + 1, at: now))
        }
        guard !writes.isEmpty else { return }
        do {
            try await partitions(of: queue).commit(writes)
        } catch {
            // Not durable: the messages go back, so the client's retry deletes them for real.
            for (id, entry) in removed { await engine.add(queue.id, id, entry) }
            throw error
        }
        await CrashPoint.reach("sqs.delete.after-commit")
    }

    /// `sqs.DeleteMessageBatch`.
    public func deleteMessageBatch(_ request: DeleteMessageBatchRequest) async throws(CloudError) -> BatchResult {
        let queue = try await queue(request.queueUrl)
        try BatchRules.validate(ids: request.entries.map(\.id), entryName: "DeleteMessageBatchRequestEntry")
        var handles: [(id: String, handle: ReceiptHandle)] = []
        var failed: [BatchResultErrorEntry] = []
        for entry in request.entries {
            do throws(CloudError) {
                handles.append((entry.id, try ReceiptHandle(parsing: entry.receiptHandle, queue: queue.id)))
            } catch {
                failed.append(
                    BatchResultErrorEntry(id: entry.id, senderFault: true, code: error.code, message: error.message))
            }
        }
        try await delete(handles.map(\.handle), in: queue)
        return BatchResult(successful: handles.map { BatchResultEntry(id: $0.id) }, failed: failed)
    }

    /// `sqs.ChangeMessageVisibility`: makes an in-flight message visible again after `VisibilityTimeout`
    /// seconds from now. A handle from an earlier receive changes nothing, as in AWS.
    public func changeMessageVisibility(_ request: ChangeMessageVisibilityRequest) async throws(CloudError)
        -> EmptyResult
    {
        let queue = try await queue(request.queueUrl)
        try await changeVisibility(request.receiptHandle, timeout: request.visibilityTimeout, in: queue)
        return EmptyResult()
    }

    private func changeVisibility(_ text: String, timeout: Int, in queue: MessageEngine.Queue) async throws(CloudError)
    {
        let handle = try ReceiptHandle(parsing: text, queue: queue.id)
        guard (0...43_200).contains(timeout) else {
            throw SQSErrors.invalidParameterValue(
                "Value \(timeout) for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.")
        }
        let now = Self.now()
        let outcome = await engine.changeVisibility(
            queue.id, handle.messageId, receiveVersion: handle.version, visibleAt: now + Double(timeout), now: now)
        switch outcome {
        case .gone:
            throw SQSErrors.notAvailableForVisibilityChange(text)
        case .unchanged:
            return
        case .changed(let changed):
            try await partitions(of: queue).commit([
                .state(
                    queue: queue.id, id: handle.messageId, visibleAt: changed.visibleAt,
                    receiveCount: changed.receiveCount, firstReceiveAt: changed.firstReceiveAt,
                    version: changed.version)
            ])
        }
    }

    /// `sqs.ChangeMessageVisibilityBatch`.
    public func changeMessageVisibilityBatch(_ request: ChangeMessageVisibilityBatchRequest) async throws(CloudError)
        -> BatchResult
    {
        let queue = try await queue(request.queueUrl)
        try BatchRules.validate(ids: request.entries.map(\.id), entryName: "ChangeMessageVisibilityBatchRequestEntry")
        var successful: [BatchResultEntry] = []
        var failed: [BatchResultErrorEntry] = []
        for entry in request.entries {
            do throws(CloudError) {
                try await changeVisibility(entry.receiptHandle, timeout: entry.visibilityTimeout, in: queue)
                successful.append(BatchResultEntry(id: entry.id))
            } catch {
                failed.append(
                    BatchResultErrorEntry(
                        id: entry.id, senderFault: error.status < 500, code: error.code, message: error.message))
            }
        }
        return BatchResult(successful: successful, failed: failed)
    }
}
