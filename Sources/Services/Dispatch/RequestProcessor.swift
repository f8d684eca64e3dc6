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

    /// What `respondInline` could do with a message.
    public enum InlineAnswer: Sendable {
        /// The response (nil for a notification), computed without waiting.
        case answered([UInt8]?)
        /// The message needs `respond(to:)`.
        case needsAsync
    }

    /// Answers on the caller's thread when the message is one request that needs no waiting: a method
    /// registered inline, an unknown method, or an invalid envelope. Servers call this on their event loop
    /// first, saving two thread switches for the cheapest requests.
    public func respondInline(to message: JSONValue) -> InlineAnswer {
        if case .array = message { return .needsAsync }
        switch prepare(message, payloadLength: nil) {
        case .answered(let response): return .answered(response)
        case .run(let request, .inline(let handler)): return .answered(finish(request, handler(request.params)))
        case .run(_, .async): return .needsAsync
        }
    }

    /// The response to one message (without its newline), or nil when nothing is to be sent (notifications).
    ///
    /// - Parameter payloadLength: the size of the binary payload that followed the message, which the
    ///   caller has already consumed; no current method takes one.
    public func respond(to message: JSONValue, payloadLength: Int? = nil) async -> [UInt8]? {
        if case .array(let elements) = message {
            guard !elements.isEmpty else {
                return RPCMessage.error(id: nil, .invalidRequest("An empty batch is not a request."))
            }
            guard elements.count <= 1000 else {
                return RPCMessage.error(
                    id: nil, .invalidRequest("A batch may hold at most 1000 requests; this one has \(elements.count)."))
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
        switch prepare(message, payloadLength: payloadLength) {
        case .answered(let response): response
        case .run(let request, .inline(let handler)): finish(request, handler(request.params))
        case .run(let request, .async(let handler)): finish(request, await handler(request.params))
        }
    }

    private enum Prepared {
        case answered([UInt8]?)
        case run(RPCRequest, Router.Handler)
    }

    /// Validates the envelope and finds the handler, or answers with the error.
    private func prepare(_ message: JSONValue, payloadLength: Int?) -> Prepared {
        let request: RPCRequest
        switch RPCRequest.validate(message) {
        case .success(let valid): request = valid
        case .failure(let rejected): return .answered(RPCMessage.error(id: rejected.id, rejected.error))
        }
        guard let handler = router.handler(for: request.method) else {
            return .answered(finish(request, .failure(.methodNotFound(request.method))))
        }
        if let payloadLength {
            let error = CloudError.invalidParameterValue(
                "\(request.method) takes no binary payload; \(payloadLength) bytes were discarded.")
            return .answered(finish(request, .failure(.invalidParams(error))))
        }
        return .run(request, handler)
    }

    /// Logs the outcome and renders the response; nil for a notification.
    private func finish(_ request: RPCRequest, _ outcome: Router.Outcome) -> [UInt8]? {
        // Metadata is built only when something will be logged: this runs for every request.
        func requestLogger() -> Logger {
            var logger = self.logger
            logger[metadataKey: "iaas.rpc.method"] = "\(request.method)"
            if let id = request.id { logger[metadataKey: "iaas.rpc.id"] = "\(id)" }
            return logger
        }
        switch outcome {
        case .success(let result):
            if logger.logLevel <= .trace { requestLogger().trace("request served") }
            guard let id = request.id else { return nil }
            return RPCMessage.result(id: id, serializedResult: result)
        case .failure(let error):
            let logger = requestLogger()
            if error.code == RPCErrorObject.cloudErrorBase + 500 || error.code == RPCErrorObject.internalErrorCode {
                logger.error("request failed", metadata: ["iaas.error": "\(error)"])
            } else {
                logger.debug("request refused", metadata: ["iaas.error": "\(error)"])
            }
            guard let id = request.id else { return nil }
            return RPCMessage.error(id: id, error)
        }
    }
}
