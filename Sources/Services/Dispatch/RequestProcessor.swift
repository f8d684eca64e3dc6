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

    /// Every method's wire name (`sqs.SendMessage`).
    public var methodNames: [String] { router.methodNames }

    /// A response as the connection writes it: its line, then its payload if it has one.
    public struct Reply: Sendable {
        public var line: [UInt8]
        public var payload: PayloadSource?

        init(line: [UInt8], payload: PayloadSource? = nil) {
            self.line = line
            self.payload = payload
        }
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
        case .run(let request, .inline(let handler)): return .answered(finish(request, handler(request.params))?.line)
        case .run(_, .async), .run(_, .payload): return .needsAsync
        }
    }

    /// The most payload bytes the message's method takes; nil when it takes none (or the message is a batch,
    /// a notification, or not a valid request), in which case a payload that follows it is dropped and
    /// `respond(to:payloadLength:)` says why.
    public func payloadLimit(of message: JSONValue) -> Int? {
        guard case .success(let request) = RPCRequest.validate(message), request.id != nil,
            case .payload(let limit, _)? = router.handler(for: request.method)
        else { return nil }
        return limit
    }

    /// The response to a request whose payload is arriving (its method takes one: `payloadLimit(of:)`).
    public func respond(to message: JSONValue, payload: ReceivedPayload) async -> Reply? {
        guard case .success(let request) = RPCRequest.validate(message),
            case .payload(let limit, let handler)? = router.handler(for: request.method)
        else { return await respond(to: message, payloadLength: payload.length) }
        guard payload.length <= limit else {
            let error = CloudError(
                code: "EntityTooLarge",
                message: "\(request.method) takes at most \(limit) bytes; this payload has \(payload.length).")
            return finish(request, .failure(RPCErrorObject(error)))
        }
        return finish(request, await handler(request.params, payload))
    }

    /// A method's result, as another front (the AWS-protocol HTTP listener) receives it: the result's JSON and
    /// the payload that follows it, if any.
    public struct Invocation: Sendable {
        public var json: [UInt8]
        public var payload: PayloadSource?
    }

    /// Runs one method as the socket would, without a JSON-RPC envelope: the same decoding, rules and errors,
    /// for fronts that speak another protocol. A method that takes a payload is refused here.
    public func invoke(_ method: String, params: JSONValue?) async -> Result<Invocation, RPCErrorObject> {
        let outcome: Router.Outcome
        switch router.handler(for: method) {
        case nil: outcome = .failure(.methodNotFound(method))
        case .inline(let handler)?: outcome = handler(params)
        case .async(let handler)?: outcome = await handler(params)
        case .payload?:
            outcome = .failure(.invalidParams(.invalidParameterValue("\(method) needs a binary payload.")))
        }
        if case .failure(let error) = outcome { log(method: method, id: nil, error) }
        return outcome.map { Invocation(json: $0.json, payload: $0.payload) }
    }

    /// Runs a method that takes a payload (S3's PutObject, UploadPart) with its body arriving as `payload`;
    /// `params` holds the `{"$bytes": N}` marker as the socket's request would.
    public func invoke(_ method: String, params: JSONValue, payload: ReceivedPayload) async -> Result<
        Invocation, RPCErrorObject
    > {
        let outcome: Router.Outcome
        if case .payload(let limit, let handler)? = router.handler(for: method) {
            if payload.length > limit {
                outcome = .failure(
                    RPCErrorObject(
                        CloudError(
                            code: "EntityTooLarge",
                            message: "\(method) takes at most \(limit) bytes; this body has \(payload.length).")))
            } else {
                outcome = await handler(params, payload)
            }
        } else {
            outcome = .failure(.invalidParams(.invalidParameterValue("\(method) takes no body.")))
        }
        if case .failure(let error) = outcome { log(method: method, id: nil, error) }
        return outcome.map { Invocation(json: $0.json, payload: $0.payload) }
    }

    /// The response to one message (without its newline), or nil when nothing is to be sent (notifications).
    ///
    /// - Parameter payloadLength: the size of the binary payload that followed the message, which the
    ///   caller has already consumed and dropped: the message's method takes none.
    public func respond(to message: JSONValue, payloadLength: Int? = nil) async -> Reply? {
        if case .array(let elements) = message {
            guard !elements.isEmpty else {
                return Reply(line: RPCMessage.error(id: nil, .invalidRequest("An empty batch is not a request.")))
            }
            guard elements.count <= 1000 else {
                return Reply(
                    line: RPCMessage.error(
                        id: nil,
                        .invalidRequest("A batch may hold at most 1000 requests; this one has \(elements.count).")))
            }
            var responses: [[UInt8]] = []
            for element in elements {
                if let response = await respondToOne(element, payloadLength: nil) {
                    // A payload cannot follow a batch's line; a method that returns one is refused in a batch.
                    guard response.payload == nil else {
                        return Reply(
                            line: RPCMessage.error(
                                id: nil,
                                .invalidRequest("A batch cannot hold a request whose result carries a payload.")),
                            payload: nil)
                    }
                    responses.append(response.line)
                }
            }
            return responses.isEmpty ? nil : Reply(line: RPCMessage.batch(responses), payload: nil)
        }
        return await respondToOne(message, payloadLength: payloadLength)
    }

    private func respondToOne(_ message: JSONValue, payloadLength: Int?) async -> Reply? {
        switch prepare(message, payloadLength: payloadLength) {
        case .answered(let response): response.map { Reply(line: $0, payload: nil) }
        case .run(let request, .inline(let handler)): finish(request, handler(request.params))
        case .run(let request, .async(let handler)): finish(request, await handler(request.params))
        case .run(let request, .payload):
            finish(
                request,
                .failure(
                    .invalidParams(
                        .invalidParameterValue(
                            "\(request.method) needs a binary payload (\"$bytes\": N) after its line."))))
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
            return .answered(finish(request, .failure(.methodNotFound(request.method)))?.line)
        }
        if let payloadLength {
            let reason =
                if case .payload = handler { "takes a payload only in a request with an id" } else {
                    "takes no binary payload"
                }
            let error = CloudError.invalidParameterValue(
                "\(request.method) \(reason); \(payloadLength) bytes were discarded.")
            return .answered(finish(request, .failure(.invalidParams(error)))?.line)
        }
        return .run(request, handler)
    }

    /// Logs the outcome and renders the response; nil for a notification.
    private func finish(_ request: RPCRequest, _ outcome: Router.Outcome) -> Reply? {
        switch outcome {
        case .success(let result):
            if logger.logLevel <= .trace {
                requestLogger(method: request.method, id: request.id).trace("request served")
            }
            guard let id = request.id else { return nil }
            return Reply(line: RPCMessage.result(id: id, serializedResult: result.json), payload: result.payload)
        case .failure(let error):
            log(method: request.method, id: request.id, error)
            guard let id = request.id else { return nil }
            return Reply(line: RPCMessage.error(id: id, error), payload: nil)
        }
    }

    // Metadata is built only when something will be logged: this runs for every request.
    private func requestLogger(method: String, id: RPCID?) -> Logger {
        var logger = self.logger
        logger[metadataKey: "iaas.rpc.method"] = "\(method)"
        if let id { logger[metadataKey: "iaas.rpc.id"] = "\(id)" }
        return logger
    }

    private func log(method: String, id: RPCID?, _ error: RPCErrorObject) {
        let logger = requestLogger(method: method, id: id)
        if error.code == RPCErrorObject.cloudErrorBase + 500 || error.code == RPCErrorObject.internalErrorCode {
            logger.error("request failed", metadata: ["iaas.error": "\(error)"])
        } else {
            logger.debug("request refused", metadata: ["iaas.error": "\(error)"])
        }
    }
}
