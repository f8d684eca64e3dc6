import API
import HTTPTypes
import Hummingbird
import Logging
import Services

/// Answers every request of the listener: tells the protocol from the request's shape, authenticates it,
/// and hands it to that protocol, which calls the same method table as the socket.
struct FrontResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    /// JSON and query bodies are read whole: SQS's largest batch (1 MiB of messages) with room for encoding.
    static let smallBodyLimit = 4 << 20

    let verifier: SigV4Verifier
    let sqs: SQSJSONProtocol
    let logger: Logger

    init(configuration: FrontConfiguration, processor: RequestProcessor, logger: Logger) {
        verifier = SigV4Verifier(credentials: configuration.credentials, regions: configuration.regions)
        sqs = SQSJSONProtocol(processor: processor)
        self.logger = logger
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = FrontReply.newRequestID()
        var logger = self.logger
        logger[metadataKey: "iaas.http.request-id"] = "\(requestID)"
        let response: Response
        if let target = request.headers[.amzTarget], target.hasPrefix(SQSJSONProtocol.targetPrefix) {
            let action = String(target.dropFirst(SQSJSONProtocol.targetPrefix.count))
            logger[metadataKey: "iaas.http.action"] = "sqs.\(action)"
            response = await respondSQS(to: request, action: action, requestID: requestID)
        } else {
            response = FrontReply.make(
                status: 501, contentType: "application/xml",
                body: XMLText.s3Error(
                    CloudErrorParts(
                        code: "NotImplemented",
                        message:
                            "This endpoint serves SQS's JSON protocol (X-Amz-Target: AmazonSQS.<Action>); S3's REST and the query protocols are not served yet."
                    ), requestID: requestID),
                requestID: requestID)
        }
        let status = response.status.code
        if status >= 500 {
            logger.error("request failed", metadata: ["iaas.http.status": "\(status)"])
        } else {
            logger.debug("request served", metadata: ["iaas.http.status": "\(status)"])
        }
        return response
    }

    private func respondSQS(to request: Request, action: String, requestID: String) async -> Response {
        guard request.method == .post else {
            return sqs.error(
                CloudError(
                    code: "InvalidAction", message: "SQS's JSON protocol takes POST, not \(request.method).",
                    status: 400), requestID: requestID)
        }
        let body: [UInt8]
        switch await Self.readBody(request) {
        case .success(let bytes): body = bytes
        case .failure(let tooLarge): return sqs.error(tooLarge, requestID: requestID)
        }
        let scope: CredentialScope?
        do {
            scope = try verifier.verify(request, body: body)
        } catch {
            return sqs.error(error.cloudError(s3: false), requestID: requestID)
        }
        return await sqs.respond(
            action: action, body: body, region: scope?.region ?? verifier.regions[0],
            endpoint: request.endpointBase(fallback: "http://localhost"), requestID: requestID)
    }

    /// A small body, read whole; one over the limit is refused before it is read.
    static func readBody(_ request: Request) async -> Result<[UInt8], CloudError> {
        let tooLarge = CloudError(
            code: "RequestEntityTooLarge", message: "A request body may have at most \(smallBodyLimit) bytes.",
            status: 413)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > smallBodyLimit {
            return .failure(tooLarge)
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: smallBodyLimit)
            return .success(Array(buffer.readableBytesView))
        } catch {
            return .failure(tooLarge)
        }
    }
}
