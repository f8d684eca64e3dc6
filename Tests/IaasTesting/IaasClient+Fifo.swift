import API

/// FIFO queue calls as tests make them.
extension IaasClient {
    public func createFifoQueue(_ name: String, attributes: [String: String] = [:]) async throws -> String {
        try await createQueue(name, attributes: WireMap(attributes.merging(["FifoQueue": "true"]) { $1 }))
    }

    public func send(
        _ url: String, _ body: String, group: String?, deduplicationId: String? = nil
    ) async throws -> SendMessageResult {
        try await call(
            Methods.sendMessage,
            SendMessageRequest(
                queueUrl: url, messageBody: body, messageGroupId: group, messageDeduplicationId: deduplicationId))
    }
}
