/// A message attribute: `String`, `Number` or `Binary` (optionally with a custom suffix, `Number.float`).
public struct MessageAttributeValue: Codable, Sendable, Hashable {
    public var dataType: String
    public var stringValue: String?
    /// Base64, as in AWS's JSON protocol.
    public var binaryValue: String?

    public init(dataType: String, stringValue: String? = nil, binaryValue: String? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }
}

/// `sqs.SendMessage`.
public struct SendMessageRequest: Codable, Sendable {
    public var queueUrl: String
    public var messageBody: String
    public var delaySeconds: Int?
    public var messageAttributes: WireMap<MessageAttributeValue>?
    /// Only `AWSTraceHeader` (a String), as in AWS.
    public var messageSystemAttributes: WireMap<MessageAttributeValue>?
    /// Required by a FIFO queue: messages of one group are delivered in order, one batch in flight at a time.
    public var messageGroupId: String?
    /// A FIFO queue's deduplication id: a second send with it within five minutes is not stored again.
    public var messageDeduplicationId: String?

    public init(
        queueUrl: String, messageBody: String, delaySeconds: Int? = nil,
        messageAttributes: WireMap<MessageAttributeValue>? = nil,
        messageSystemAttributes: WireMap<MessageAttributeValue>? = nil, messageGroupId: String? = nil,
        messageDeduplicationId: String? = nil
    ) {
        self.queueUrl = queueUrl
        self.messageBody = messageBody
        self.delaySeconds = delaySeconds
        self.messageAttributes = messageAttributes
        self.messageSystemAttributes = messageSystemAttributes
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
    }
}

public struct SendMessageResult: Codable, Sendable, Equatable {
    public var messageId: String
    public var md5OfMessageBody: String
    public var md5OfMessageAttributes: String?
    public var md5OfMessageSystemAttributes: String?
    /// A FIFO queue's order of the message: increasing within a group.
    public var sequenceNumber: String?

    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId"
        case md5OfMessageBody = "MD5OfMessageBody"
        case md5OfMessageAttributes = "MD5OfMessageAttributes"
        case md5OfMessageSystemAttributes = "MD5OfMessageSystemAttributes"
        case sequenceNumber = "SequenceNumber"
    }

    public init(
        messageId: String, md5OfMessageBody: String, md5OfMessageAttributes: String?,
        md5OfMessageSystemAttributes: String? = nil, sequenceNumber: String? = nil
    ) {
        self.messageId = messageId
        self.md5OfMessageBody = md5OfMessageBody
        self.md5OfMessageAttributes = md5OfMessageAttributes
        self.md5OfMessageSystemAttributes = md5OfMessageSystemAttributes
        self.sequenceNumber = sequenceNumber
    }
}

/// One entry of `SendMessageBatch`.
public struct SendMessageBatchEntry: Codable, Sendable {
    public var id: String
    public var messageBody: String
    public var delaySeconds: Int?
    public var messageAttributes: WireMap<MessageAttributeValue>?
    public var messageSystemAttributes: WireMap<MessageAttributeValue>?
    public var messageGroupId: String?
    public var messageDeduplicationId: String?

    public init(
        id: String, messageBody: String, delaySeconds: Int? = nil,
        messageAttributes: WireMap<MessageAttributeValue>? = nil,
        messageSystemAttributes: WireMap<MessageAttributeValue>? = nil, messageGroupId: String? = nil,
        messageDeduplicationId: String? = nil
    ) {
        self.id = id
        self.messageBody = messageBody
        self.delaySeconds = delaySeconds
        self.messageAttributes = messageAttributes
        self.messageSystemAttributes = messageSystemAttributes
        self.messageGroupId = messageGroupId
        self.messageDeduplicationId = messageDeduplicationId
    }
}

/// `sqs.SendMessageBatch`.
public struct SendMessageBatchRequest: Codable, Sendable {
    public var queueUrl: String
    public var entries: [SendMessageBatchEntry]

    public init(queueUrl: String, entries: [SendMessageBatchEntry]) {
        self.queueUrl = queueUrl
        self.entries = entries
    }
}

public struct SendMessageBatchResultEntry: Codable, Sendable, Equatable {
    public var id: String
    public var messageId: String
    public var md5OfMessageBody: String
    public var md5OfMessageAttributes: String?
    public var md5OfMessageSystemAttributes: String?
    /// A FIFO queue's order of the message: increasing within a group.
    public var sequenceNumber: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case messageId = "MessageId"
        case md5OfMessageBody = "MD5OfMessageBody"
        case md5OfMessageAttributes = "MD5OfMessageAttributes"
        case md5OfMessageSystemAttributes = "MD5OfMessageSystemAttributes"
        case sequenceNumber = "SequenceNumber"
    }

    public init(
        id: String, messageId: String, md5OfMessageBody: String, md5OfMessageAttributes: String?,
        md5OfMessageSystemAttributes: String? = nil, sequenceNumber: String? = nil
    ) {
        self.id = id
        self.messageId = messageId
        self.md5OfMessageBody = md5OfMessageBody
        self.md5OfMessageAttributes = md5OfMessageAttributes
        self.md5OfMessageSystemAttributes = md5OfMessageSystemAttributes
        self.sequenceNumber = sequenceNumber
    }
}

/// A batch entry that failed, with AWS's code and whether the sender is at fault.
public struct BatchResultErrorEntry: Codable, Sendable, Equatable {
    public var id: String
    public var senderFault: Bool
    public var code: String
    public var message: String?

    public init(id: String, senderFault: Bool, code: String, message: String?) {
        self.id = id
        self.senderFault = senderFault
        self.code = code
        self.message = message
    }
}

public struct SendMessageBatchResult: Codable, Sendable {
    public var successful: [SendMessageBatchResultEntry]
    public var failed: [BatchResultErrorEntry]

    public init(successful: [SendMessageBatchResultEntry], failed: [BatchResultErrorEntry]) {
        self.successful = successful
        self.failed = failed
    }
}

/// `sqs.ReceiveMessage`.
public struct ReceiveMessageRequest: Codable, Sendable {
    public var queueUrl: String
    public var attributeNames: [String]?
    public var messageSystemAttributeNames: [String]?
    public var messageAttributeNames: [String]?
    public var maxNumberOfMessages: Int?
    public var visibilityTimeout: Int?
    public var waitTimeSeconds: Int?
    public var receiveRequestAttemptId: String?

    public init(
        queueUrl: String, attributeNames: [String]? = nil, messageSystemAttributeNames: [String]? = nil,
        messageAttributeNames: [String]? = nil, maxNumberOfMessages: Int? = nil, visibilityTimeout: Int? = nil,
        waitTimeSeconds: Int? = nil, receiveRequestAttemptId: String? = nil
    ) {
        self.queueUrl = queueUrl
        self.attributeNames = attributeNames
        self.messageSystemAttributeNames = messageSystemAttributeNames
        self.messageAttributeNames = messageAttributeNames
        self.maxNumberOfMessages = maxNumberOfMessages
        self.visibilityTimeout = visibilityTimeout
        self.waitTimeSeconds = waitTimeSeconds
        self.receiveRequestAttemptId = receiveRequestAttemptId
    }
}

/// A received message.
public struct Message: Codable, Sendable, Equatable {
    public var messageId: String
    public var receiptHandle: String
    public var md5OfBody: String
    public var body: String
    public var attributes: WireMap<String>?
    public var md5OfMessageAttributes: String?
    public var messageAttributes: WireMap<MessageAttributeValue>?

    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId"
        case receiptHandle = "ReceiptHandle"
        case md5OfBody = "MD5OfBody"
        case body = "Body"
        case attributes = "Attributes"
        case md5OfMessageAttributes = "MD5OfMessageAttributes"
        case messageAttributes = "MessageAttributes"
    }

    public init(
        messageId: String, receiptHandle: String, md5OfBody: String, body: String, attributes: WireMap<String>?,
        md5OfMessageAttributes: String?, messageAttributes: WireMap<MessageAttributeValue>?
    ) {
        self.messageId = messageId
        self.receiptHandle = receiptHandle
        self.md5OfBody = md5OfBody
        self.body = body
        self.attributes = attributes
        self.md5OfMessageAttributes = md5OfMessageAttributes
        self.messageAttributes = messageAttributes
    }
}

public struct ReceiveMessageResult: Codable, Sendable {
    public var messages: [Message]?

    public init(messages: [Message]?) {
        self.messages = messages
    }
}

/// `sqs.DeleteMessage`.
public struct DeleteMessageRequest: Codable, Sendable {
    public var queueUrl: String
    public var receiptHandle: String

    public init(queueUrl: String, receiptHandle: String) {
        self.queueUrl = queueUrl
        self.receiptHandle = receiptHandle
    }
}

public struct DeleteMessageBatchEntry: Codable, Sendable {
    public var id: String
    public var receiptHandle: String

    public init(id: String, receiptHandle: String) {
        self.id = id
        self.receiptHandle = receiptHandle
    }
}

/// `sqs.DeleteMessageBatch`.
public struct DeleteMessageBatchRequest: Codable, Sendable {
    public var queueUrl: String
    public var entries: [DeleteMessageBatchEntry]

    public init(queueUrl: String, entries: [DeleteMessageBatchEntry]) {
        self.queueUrl = queueUrl
        self.entries = entries
    }
}

/// A batch entry that succeeded, by its id: `DeleteMessageBatch`, `ChangeMessageVisibilityBatch`.
public struct BatchResultEntry: Codable, Sendable, Equatable {
    public var id: String

    public init(id: String) {
        self.id = id
    }
}

/// The answer of `DeleteMessageBatch` and `ChangeMessageVisibilityBatch`.
public struct BatchResult: Codable, Sendable {
    public var successful: [BatchResultEntry]
    public var failed: [BatchResultErrorEntry]

    public init(successful: [BatchResultEntry], failed: [BatchResultErrorEntry]) {
        self.successful = successful
        self.failed = failed
    }
}

/// `sqs.ChangeMessageVisibility`.
public struct ChangeMessageVisibilityRequest: Codable, Sendable {
    public var queueUrl: String
    public var receiptHandle: String
    public var visibilityTimeout: Int

    public init(queueUrl: String, receiptHandle: String, visibilityTimeout: Int) {
        self.queueUrl = queueUrl
        self.receiptHandle = receiptHandle
        self.visibilityTimeout = visibilityTimeout
    }
}

public struct ChangeMessageVisibilityBatchEntry: Codable, Sendable {
    public var id: String
    public var receiptHandle: String
    public var visibilityTimeout: Int

    public init(id: String, receiptHandle: String, visibilityTimeout: Int) {
        self.id = id
        self.receiptHandle = receiptHandle
        self.visibilityTimeout = visibilityTimeout
    }
}

/// `sqs.ChangeMessageVisibilityBatch`.
public struct ChangeMessageVisibilityBatchRequest: Codable, Sendable {
    public var queueUrl: String
    public var entries: [ChangeMessageVisibilityBatchEntry]

    public init(queueUrl: String, entries: [ChangeMessageVisibilityBatchEntry]) {
        self.queueUrl = queueUrl
        self.entries = entries
    }
}
