import API
import Logging

/// Answers parsed JSON-RPC messages, single or batched, with the bytes of their responses.
///
/// Knows nothing of sockets: the server feeds it messages and writes what it returns.
public struct RequestProcessor: Sendable {
    let router: Router
    let logger = Logger(label: "iaas.rpc")

    public init(router: Router) {
        self.router = router
    }

    /// The response to one message (without its newline), or nil when nothing is to be sent (notifications).
    ///
    /// - Parameter payloadLength: the size of the binary payload that followed the message, which the
    ///   caller has already consumed; no current method takes one.
    public func respond(to message: JSONValue, payloadLength: Int? = nil) async -> [UInt8]? {
        if case .array(let elements) = message {
            guard !elements.isEmpty else { return RPCMessage.error(id: nil, .invalidRequest("An empty batch is not a request.")) }
            guard elements.count <= 1000 else {
                return RPCMessage.error(id: nil, .invalidRequest("A batch may hold at most 1000 requests; this one has \(elements.count)."))
            }
            var responses: [[UInt8]] = []
            for element in elements {
                if let response = await respondToOne(element, payloadLength: nil) { responses.append(response) }
            }
            return responses.isEmpty ? nil : RPCMessage.batch(responses)
        }
        return await respondToOne(message, payloadLength: payloadLength)
    }

    private func respondToOne(_ message: JSONValue, payloadLength: Int?) async -> [UInt8]? {
        let request: RPCRequest
        switch RPCRequest.validate(message) {
        case .success(let valid): request = valid
        case .failure(let rejected): return RPCMessage.error(id: rejected.id, rejected.error)
        }
        var logger = self.logger
        logger[metadataKey: "iaas.rpc.method"] = "\(request.method)"
        if let id = request.id { logger[metadataKey: "iaas.rpc.id"] = "\(id)" }
        let outcome: Result<[UInt8], RPCErrorObject>
        if let handler = router.handler(for: request.method) {
            if let payloadLength {
                outcome = .failure(
                    .invalidParams(.invalidParameterValue("\(request.method) takes no binary payload; \(payloadLength) bytes were discarded."))
                )
            } else {
                outcome = await handler(request.params)
            }
        } else {
            outcome = .failure(.methodNotFound(request.method))
        }
        guard let id = request.id else { return nil }
        switch outcome {
        case .success(let result):
            logger.trace("request served")
            return RPCMessage.result(id: id, serializedResult: result)
        case .failure(let error):
            if error.code == RPCErrorObject.cloudErrorBase + 500 || error.code == RPCErrorObject.internalErrorCode {
                logger.error("request failed", metadata: ["iaas.error": "\(error)"])
            } else {
                logger.debug("request refused", metadata: ["iaas.error": "\(error)"])
            }
            return RPCMessage.error(id: id, error)
        }
    }
}
