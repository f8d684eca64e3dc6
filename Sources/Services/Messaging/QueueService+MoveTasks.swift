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
        let task = MessageMoveTasks.Task(
            handle: Data("\(UUID().uuidString.lowercased()) \(request.sourceArn)".utf8).base64EncodedString(),
            status: "RUNNING", sourceArn: request.sourceArn, destinationArn: request.destinationArn,
            rate: request.maxNumberOfMessagesPerSecond, toMove: counts.visible + counts.notVisible + counts.delayed,
            started: Self.now())
        guard await moveTasks.start(task) else {
            throw SQSErrors.unsupported(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
            )
        }
        logger.info(
            "message move task started", metadata: ["iaas.queue.id": "\(source.id)", "iaas.task": "\(task.handle)"])
        let service = self
        Task { await service.runMoveTask(task, source: source) }
        return StartMessageMoveTaskResult(taskHandle: task.handle)
    }

    /// Moves visible messages ten at a time until none is left, the task is cancelled, or a move fails.
    private func runMoveTask(_ task: MessageMoveTasks.Task, source: MessageEngine.Queue) async {
        let pause = task.rate.map { Duration.milliseconds(Int(10_000 / $0)) }
        while true {
            if await moveTasks.task(task.handle)?.cancelled == true {
                await moveTasks.update(task.handle) { $0.status = "CANCELLED" }
                return
            }
            do throws(CloudError) {
                let moved = try await moveBatch(from: source, to: task.destinationArn)
                guard moved > 0 else { break }
                await moveTasks.update(task.handle) { $0.moved += moved }
            } catch {
                await moveTasks.update(task.handle) {
                    $0.status = "FAILED"
                    $0.failureReason = error.message
                }
                logger.error(
                    "message move task failed", metadata: ["iaas.task": "\(task.handle)", "iaas.error": "\(error)"])
                return
            }
            if let pause { try? await Task.sleep(for: pause) }
        }
        await moveTasks.update(task.handle) { $0.status = "COMPLETED" }
        logger.info("message move task completed", metadata: ["iaas.task": "\(task.handle)"])
    }

    /// Moves up to ten visible messages of `source`; returns how many moved.
    private func moveBatch(from source: MessageEngine.Queue, to destinationArn: String?) async throws(CloudError) -> Int
    {
        let now = Self.now()
        guard
            let taken = await engine.receive(source.id, limit: 10, now: now, visibility: 30, maxInFlight: .max),
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
                    taskHandle: task.status == "RUNNING" ? task.handle : nil, status: task.status,
                    sourceArn: task.sourceArn, destinationArn: task.destinationArn,
                    maxNumberOfMessagesPerSecond: task.rate, approximateNumberOfMessagesMoved: task.moved,
                    approximateNumberOfMessagesToMove: task.toMove, failureReason: task.failureReason,
                    startedTimestamp: Int64(task.started * 1000))
            })
    }

    /// `sqs.CancelMessageMoveTask`: stops a running task after the batch it is moving.
    public func cancelMessageMoveTask(_ request: CancelMessageMoveTaskRequest) async throws(CloudError)
        -> CancelMessageMoveTaskResult
    {
        guard let task = await moveTasks.task(request.taskHandle) else {
            throw CloudError(
                code: "ResourceNotFoundException", message: "The task \(request.taskHandle) does not exist.")
        }
        guard task.status == "RUNNING" else {
            throw SQSErrors.unsupported("Only a running task can be cancelled; this one is \(task.status).")
        }
        await moveTasks.update(request.taskHandle) {
            $0.cancelled = true
            $0.status = "CANCELLING"
        }
        return CancelMessageMoveTaskResult(approximateNumberOfMessagesMoved: task.moved)
    }
}
