/// `sqs.CreateQueue`.
public struct CreateQueueRequest: Codable, Sendable {
    public var queueName: String
    public var attributes: WireMap<String>?
    /// Spelled `tags` in AWS's SQS JSON protocol; `Tags` is accepted too.
    public var tags: WireMap<String>?

    public init(queueName: String, attributes: WireMap<String>? = nil, tags: WireMap<String>? = nil) {
        self.queueName = queueName
        self.attributes = attributes
        self.tags = tags
    }
}

/// The answer of `CreateQueue` and `GetQueueUrl`.
public struct QueueUrlResult: Codable, Sendable, Equatable {
    public var queueUrl: String

    public init(queueUrl: String) {
        self.queueUrl = queueUrl
    }
}

/// `sqs.GetQueueUrl`.
public struct GetQueueUrlRequest: Codable, Sendable {
    public var queueName: String
    public var queueOwnerAWSAccountId: String?

    public init(queueName: String, queueOwnerAWSAccountId: String? = nil) {
        self.queueName = queueName
        self.queueOwnerAWSAccountId = queueOwnerAWSAccountId
    }
}

/// `sqs.ListQueues`.
public struct ListQueuesRequest: Codable, Sendable {
    public var queueNamePrefix: String?
    public var maxResults: Int?
    public var nextToken: String?

    public init(queueNamePrefix: String? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.queueNamePrefix = queueNamePrefix
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct ListQueuesResult: Codable, Sendable {
    public var queueUrls: [String]?
    public var nextToken: String?

    public init(queueUrls: [String]?, nextToken: String?) {
        self.queueUrls = queueUrls
        self.nextToken = nextToken
    }
}

/// A request that names only a queue: `DeleteQueue`, `PurgeQueue`.
public struct QueueRequest: Codable, Sendable {
    public var queueUrl: String

    public init(queueUrl: String) {
        self.queueUrl = queueUrl
    }
}

/// `sqs.GetQueueAttributes`.
public struct GetQueueAttributesRequest: Codable, Sendable {
    public var queueUrl: String
    public var attributeNames: [String]?

    public init(queueUrl: String, attributeNames: [String]? = nil) {
        self.queueUrl = queueUrl
        self.attributeNames = attributeNames
    }
}

public struct GetQueueAttributesResult: Codable, Sendable {
    public var attributes: WireMap<String>?

    public init(attributes: WireMap<String>?) {
        self.attributes = attributes
    }
}

/// `sqs.SetQueueAttributes`.
public struct SetQueueAttributesRequest: Codable, Sendable {
    public var queueUrl: String
    public var attributes: WireMap<String>

    public init(queueUrl: String, attributes: WireMap<String>) {
        self.queueUrl = queueUrl
        self.attributes = attributes
    }
}

/// The empty answer of SQS actions that return nothing.
public struct EmptyResult: Codable, Sendable, Equatable {
    public init() {}
}
