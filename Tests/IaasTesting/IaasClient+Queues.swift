import API

/// SQS calls as tests and benchmarks make them.
extension IaasClient {
    public func createQueue(_ name: String, attributes: WireMap<String>? = nil) async throws -> String {
        try await call(Methods.createQueue, CreateQueueRequest(queueName: name, attributes: attributes)).queueUrl
    }

    public func send(_ url: String, _ body: String) async throws -> SendMessageResult {
        try await call(Methods.sendMessage, SendMessageRequest(queueUrl: url, messageBody: body))
    }

    public func receive(_ url: String, max: Int = 10, visibility: Int? = nil, wait: Int? = nil) async throws
        -> [Message]
    {
        try await call(
            Methods.receiveMessage,
            ReceiveMessageRequest(
                queueUrl: url, attributeNames: ["All"], messageAttributeNames: ["All"], maxNumberOfMessages: max,
                visibilityTimeout: visibility, waitTimeSeconds: wait)
        ).messages ?? []
    }

    public func delete(_ url: String, _ message: Message) async throws {
        _ = try await call(
            Methods.deleteMessage, DeleteMessageRequest(queueUrl: url, receiptHandle: message.receiptHandle))
    }

    public func queueCounts(_ url: String) async throws -> (visible: Int, notVisible: Int, delayed: Int) {
        let attributes = try await call(
            Methods.getQueueAttributes, GetQueueAttributesRequest(queueUrl: url, attributeNames: ["All"])
        ).attributes
        return (
            Int(attributes?["ApproximateNumberOfMessages"] ?? "") ?? -1,
            Int(attributes?["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? -1,
            Int(attributes?["ApproximateNumberOfMessagesDelayed"] ?? "") ?? -1
        )
    }
}
