/// `sqs.StartMessageMoveTask`: moves a dead-letter queue's messages back to their source queues, or to
/// `DestinationArn`.
public struct StartMessageMoveTaskRequest: Codable, Sendable {
    public var sourceArn: String
    public var destinationArn: String?
    public var maxNumberOfMessagesPerSecond: Int?

    public init(sourceArn: String, destinationArn: String? = nil, maxNumberOfMessagesPerSecond: Int? = nil) {
        self.sourceArn = sourceArn
        self.destinationArn = destinationArn
        self.maxNumberOfMessagesPerSecond = maxNumberOfMessagesPerSecond
    }
}

public struct StartMessageMoveTaskResult: Codable, Sendable {
    public var taskHandle: String

    public init(taskHandle: String) {
        self.taskHandle = taskHandle
    }
}

/// `sqs.ListMessageMoveTasks`: the most recent tasks of a source queue, newest first.
public struct ListMessageMoveTasksRequest: Codable, Sendable {
    public var sourceArn: String
    public var maxResults: Int?

    public init(sourceArn: String, maxResults: Int? = nil) {
        self.sourceArn = sourceArn
        self.maxResults = maxResults
    }
}

public struct ListMessageMoveTasksResultEntry: Codable, Sendable, Equatable {
    /// Only for a running task, as in AWS.
    public var taskHandle: String?
    /// `RUNNING`, `COMPLETED`, `CANCELLING`, `CANCELLED` or `FAILED`.
    public var status: String
    public var sourceArn: String
    public var destinationArn: String?
    public var maxNumberOfMessagesPerSecond: Int?
    public var approximateNumberOfMessagesMoved: Int
    public var approximateNumberOfMessagesToMove: Int?
    public var failureReason: String?
    /// Milliseconds since 1970.
    public var startedTimestamp: Int64

    public init(
        taskHandle: String?, status: String, sourceArn: String, destinationArn: String?,
        maxNumberOfMessagesPerSecond: Int?, approximateNumberOfMessagesMoved: Int,
        approximateNumberOfMessagesToMove: Int?, failureReason: String?, startedTimestamp: Int64
    ) {
        self.taskHandle = taskHandle
        self.status = status
        self.sourceArn = sourceArn
        self.destinationArn = destinationArn
        self.maxNumberOfMessagesPerSecond = maxNumberOfMessagesPerSecond
        self.approximateNumberOfMessagesMoved = approximateNumberOfMessagesMoved
        self.approximateNumberOfMessagesToMove = approximateNumberOfMessagesToMove
        self.failureReason = failureReason
        self.startedTimestamp = startedTimestamp
    }
}

public struct ListMessageMoveTasksResult: Codable, Sendable {
    public var results: [ListMessageMoveTasksResultEntry]

    public init(results: [ListMessageMoveTasksResultEntry]) {
        self.results = results
    }
}

/// `sqs.CancelMessageMoveTask`.
public struct CancelMessageMoveTaskRequest: Codable, Sendable {
    public var taskHandle: String

    public init(taskHandle: String) {
        self.taskHandle = taskHandle
    }
}

public struct CancelMessageMoveTaskResult: Codable, Sendable {
    public var approximateNumberOfMessagesMoved: Int

    public init(approximateNumberOfMessagesMoved: Int) {
        self.approximateNumberOfMessagesMoved = approximateNumberOfMessagesMoved
    }
}
