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

/// `sqs.TagQueue`.
public struct TagQueueRequest: Codable, Sendable {
    public var queueUrl: String
    public var tags: WireMap<String>

    public init(queueUrl: String, tags: WireMap<String>) {
        self.queueUrl = queueUrl
        self.tags = tags
    }
}

/// `sqs.UntagQueue`.
public struct UntagQueueRequest: Codable, Sendable {
    public var queueUrl: String
    public var tagKeys: [String]

    public init(queueUrl: String, tagKeys: [String]) {
        self.queueUrl = queueUrl
        self.tagKeys = tagKeys
    }
}

public struct ListQueueTagsResult: Codable, Sendable {
    public var tags: WireMap<String>?

    public init(tags: WireMap<String>?) {
        self.tags = tags
    }
}

/// `sqs.PeekMessages`: not an AWS action. An operator's look at a queue's oldest messages, in flight or
/// not, that changes nothing: no receive is counted, no visibility changes, no receipt handle is given.
public struct PeekMessagesRequest: Codable, Sendable {
    public var queueUrl: String
    /// 1 to 100, default 10.
    public var maxNumberOfMessages: Int?

    public init(queueUrl: String, maxNumberOfMessages: Int? = nil) {
        self.queueUrl = queueUrl
        self.maxNumberOfMessages = maxNumberOfMessages
    }
}

/// A message as a peek shows it: its body and state, `State` being `visible`, `in-flight` or `delayed`.
public struct PeekedMessage: Codable, Sendable, Equatable {
    public var messageId: String
    public var body: String
    public var state: String
    public var attributes: WireMap<String>

    public init(messageId: String, body: String, state: String, attributes: WireMap<String>) {
        self.messageId = messageId
        self.body = body
        self.state = state
        self.attributes = attributes
    }
}

public struct PeekMessagesResult: Codable, Sendable {
    public var messages: [PeekedMessage]

    public init(messages: [PeekedMessage]) {
        self.messages = messages
    }
}

/// `sqs.ListDeadLetterSourceQueues`.
public struct ListDeadLetterSourceQueuesRequest: Codable, Sendable {
    public var queueUrl: String
    public var maxResults: Int?
    public var nextToken: String?

    public init(queueUrl: String, maxResults: Int? = nil, nextToken: String? = nil) {
        self.queueUrl = queueUrl
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

/// The answer of `ListDeadLetterSourceQueues`, whose list AWS spells `queueUrls`.
public struct ListDeadLetterSourceQueuesResult: Codable, Sendable {
    public var queueUrls: [String]
    public var nextToken: String?

    public init(queueUrls: [String], nextToken: String?) {
        self.queueUrls = queueUrls
        self.nextToken = nextToken
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: VerbatimKey.self)
        queueUrls = try container.decode([String].self, forKey: VerbatimKey(stringValue: "queueUrls"))
        nextToken = try container.decodeIfPresent(String.self, forKey: VerbatimKey(stringValue: "NextToken"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: VerbatimKey.self)
        try container.encode(queueUrls, forKey: VerbatimKey(stringValue: "queueUrls"))
        try container.encodeIfPresent(nextToken, forKey: VerbatimKey(stringValue: "NextToken"))
    }
}
