import API
import Foundation
import Store

extension QueueService {
    /// `sqs.StartMessageMoveTask`: moves a dead-letter queue's messages, oldest first, back to the queue each
    /// came from, or all to `DestinationArn`, at most `MaxNumberOfMessagesPerSecond` (1 to 500) a second.
    public func startMessageMoveTask(_ request: StartMessageMoveTaskRequest) async throws(CloudError)
        -> StartMessageMoveTaskResult
    {
        guard let sourceURL = QueueURL(arn: request.sourceArn), let source = await engine.queue(sourceURL) else {
            throw SQSErrors.invalidParameterValue(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        let isDeadLetterQueue = await engine.allQueues.contains {
            $0.attributes.redrivePolicy?.deadLetterTargetArn == request.sourceArn
        }
        guard isDeadLetterQueue else {
            throw SQSErrors.invalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
        }
        if let destination = request.destinationArn {
            guard let url = QueueURL(arn: destination), let target = await engine.queue(url) else {
                throw SQSErrors.invalidParameterValue(
                    "The resource that you specified for the DestinationArn parameter doesn't exist.")
            }
            guard target.attributes.fifoQueue == source.attributes.fifoQueue else {
                throw SQSErrors.invalidParameterValue(
                    "The destination queue must be of the same type (standard or FIFO) as the source queue.")
            }
        }
        if let rate = request.maxNumberOfMessagesPerSecond, !(1...500).contains(rate) {
            throw SQSErrors.invalidParameterValue(
                "Value \(rate) for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be from 1 to 500.")
        }
        let counts = await engine.counts(source.id, now: Self.now())
        let task = MessageMoveTaskRecord(
            handle: Data("\(UUID().uuidString.lowercased()) \(request.sourceArn)".utf8).base64EncodedString(),
            sourceArn: request.sourceArn, destinationArn: request.destinationArn,
            rate: request.maxNumberOfMessagesPerSecond, status: .running, moved: 0,
            toMove: counts.visible + counts.notVisible + counts.delayed, failureReason: nil, startedAt: Self.now())
        guard try await moveTasks.start(task) else {
            throw SQSErrors.unsupported(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
            )
        }
        logger.info(
            "message move task started", metadata: ["iaas.queue.id": "\(source.id)", "iaas.task": "\(task.handle)"])
        runInBackground(task)
        return StartMessageMoveTaskResult(taskHandle: task.handle)
    }

    /// Runs a task (a new one, or one a restart interrupted) until it ends.
    func runInBackground(_ task: MessageMoveTaskRecord) {
        let service = self
        Task { await service.runMoveTask(task) }
    }

    /// Moves visible messages, at most `rate` a second, until none is left, the task is cancelled, its
    /// source queue is deleted, or a move fails.
    private func runMoveTask(_ task: MessageMoveTaskRecord) async {
        // With a rate, batches of at most `rate` messages, one every `batch / rate` seconds.
        let batch = min(10, task.rate ?? 10)
        let pause = task.rate.map { Duration.milliseconds(batch * 1000 / $0) }
        while true {
            await CrashPoint.reach("sqs.move-task.before-batch")
            if await moveTasks.task(task.handle)?.status == .cancelling {
                await moveTasks.finish(task.handle, .cancelled)
                logger.info("message move task cancelled", metadata: ["iaas.task": "\(task.handle)"])
                return
            }
            guard let url = QueueURL(arn: task.sourceArn), let source = await engine.queue(url) else {
                await moveTasks.finish(task.handle, .failed, reason: "The source queue was deleted.")
                return
            }
            do throws(CloudError) {
                let moved = try await moveBatch(from: source, to: task.destinationArn, limit: batch)
                guard moved > 0 else { break }
                await moveTasks.progress(task.handle, moved: moved)
            } catch {
                await moveTasks.finish(task.handle, .failed, reason: error.message)
                logger.error(
                    "message move task failed", metadata: ["iaas.task": "\(task.handle)", "iaas.error": "\(error)"])
                return
            }
            if let pause { try? await Task.sleep(for: pause) }
        }
        await moveTasks.finish(task.handle, .completed)
        logger.info("message move task completed", metadata: ["iaas.task": "\(task.handle)"])
    }

    /// Moves up to `limit` visible messages of `source`; returns how many moved.
    private func moveBatch(
        from source: MessageEngine.Queue, to destinationArn: String?, limit: Int
    ) async throws(CloudError) -> Int {
        let now = Self.now()
        guard
            let taken = await engine.receive(source.id, limit: limit, now: now, visibility: 30, maxInFlight: .max),
            !taken.isEmpty
        else { return 0 }
        let set = try partitions(of: source)
        let rows = await set.rows(queue: source.id, ids: taken.map(\.id))
        var writes: [MessageWrite] = []
        var arrivals: [(queue: String, id: String, entry: QueueIndex.Entry)] = []
        for (id, entry) in taken {
            guard let row = rows[id] else { continue }
            guard let arn = destinationArn ?? Self.deadLetterSource(of: row), let url = QueueURL(arn: arn),
                let destination = await engine.queue(url)
            else {
                throw SQSErrors.invalidParameterValue(
                    "Message \(id) has no source queue that still exists; give a DestinationArn.")
            }
            let move = await move(row, entry, to: destination.id, now: now, deadLetterSource: nil)
            writes += move.writes
            arrivals.append((destination.id, id, move.entry))
        }
        try await set.commit(writes)
        for arrival in arrivals {
            _ = await engine.remove(source.id, arrival.id)
            await engine.add(arrival.queue, arrival.id, arrival.entry)
        }
        return arrivals.count
    }

    /// `sqs.ListMessageMoveTasks`: up to `MaxResults` (1 to 10, default 1) of a source's tasks, newest first.
    public func listMessageMoveTasks(_ request: ListMessageMoveTasksRequest) async throws(CloudError)
        -> ListMessageMoveTasksResult
    {
        let limit = request.maxResults ?? 1
        guard (1...10).contains(limit) else {
            throw SQSErrors.invalidParameterValue("MaxResults must be from 1 to 10; got \(limit).")
        }
        guard let url = QueueURL(arn: request.sourceArn), await engine.queue(url) != nil else {
            throw SQSErrors.invalidParameterValue(
                "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        let tasks = await moveTasks.tasks(of: request.sourceArn).prefix(limit)
        return ListMessageMoveTasksResult(
            results: tasks.map { task in
                ListMessageMoveTasksResultEntry(
                    taskHandle: task.status == .running ? task.handle : nil, status: task.status.rawValue,
                    sourceArn: task.sourceArn, destinationArn: task.destinationArn,
                    maxNumberOfMessagesPerSecond: task.rate, approximateNumberOfMessagesMoved: task.moved,
                    approximateNumberOfMessagesToMove: task.toMove, failureReason: task.failureReason,
                    startedTimestamp: Int64(task.startedAt * 1000))
            })
    }

    /// `sqs.CancelMessageMoveTask`: stops a running task after the batch it is moving.
    public func cancelMessageMoveTask(_ request: CancelMessageMoveTaskRequest) async throws(CloudError)
        -> CancelMessageMoveTaskResult
    {
        guard let task = try await moveTasks.cancel(request.taskHandle) else {
            throw CloudError(
                code: "ResourceNotFoundException", message: "The task \(request.taskHandle) does not exist.")
        }
        guard task.status == .cancelling else {
            throw SQSErrors.unsupported("Only a running task can be cancelled; this one is \(task.status.rawValue).")
        }
        return CancelMessageMoveTaskResult(approximateNumberOfMessagesMoved: task.moved)
    }
}
