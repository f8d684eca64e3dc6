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
    let s3: S3Protocol
    let ec2: EC2QueryProtocol
    let sqsQuery: SQSQueryProtocol
    /// Nil unless `iaasd --http-reset`.
    let reset: ResetRunner?
    let logger: Logger

    init(configuration: FrontConfiguration, processor: RequestProcessor, logger: Logger) {
        verifier = SigV4Verifier(credentials: configuration.credentials, regions: configuration.regions)
        sqs = SQSJSONProtocol(processor: processor)
        s3 = S3Protocol(processor: processor)
        ec2 = EC2QueryProtocol(processor: processor)
        sqsQuery = SQSQueryProtocol(processor: processor)
        reset =
            configuration.allowsReset
            ? ResetRunner(reset: StateReset(processor: processor, regions: configuration.regions)) : nil
        self.logger = logger
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let requestID = FrontReply.newRequestID()
        var logger = self.logger
        logger[metadataKey: "iaas.http.request-id"] = "\(requestID)"
        let response: Response
        if verifier.credentials == nil, request.headers[.origin] != nil {
            // Without credentials nothing is checked, so a page a browser opens could send a simple form POST
            // (TerminateInstances, a reset) here; browsers name their page in Origin, SDKs never do.
            response = S3Protocol.error(
                CloudError(
                    code: "AccessDenied",
                    message: "Requests from web pages (with an Origin header) need an endpoint with --credentials.",
                    status: 403), requestID: requestID, head: request.method == .head)
        } else if request.uri.path == Self.resetPath {
            logger[metadataKey: "iaas.http.action"] = "reset"
            response = await respondReset(to: request, requestID: requestID)
        } else if let target = request.headers[.amzTarget], target.hasPrefix(SQSJSONProtocol.targetPrefix) {
            let action = String(target.dropFirst(SQSJSONProtocol.targetPrefix.count))
            logger[metadataKey: "iaas.http.action"] = "sqs.\(action)"
            response = await respondSQS(to: request, action: action, requestID: requestID)
        } else if Self.isQueryProtocol(request) {
            logger[metadataKey: "iaas.http.protocol"] = "query"
            response = await respondQuery(to: request, requestID: requestID)
        } else {
            logger[metadataKey: "iaas.http.protocol"] = "s3"
            response = await respondS3(to: request, requestID: requestID)
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
        let scope: CredentialScope?
        switch await readSigned(request) {
        case .success(let signed): (body, scope) = signed
        case .failure(let refused): return sqs.error(refused, requestID: requestID)
        }
        return await sqs.respond(
            action: action, body: body, region: scope?.region ?? verifier.regions[0],
            endpoint: request.endpointBase(fallback: "http://localhost"), requestID: requestID)
    }

    /// EC2's and SQS's query protocols: a request signed for `ec2` or `sqs`, or an unsigned one whose query
    /// names an `Action`, or a form-encoded POST without S3's subresources. S3 is everything else.
    static func isQueryProtocol(_ request: Request) -> Bool {
        if let authorization = request.headers[.authorization],
            let scope = try? SigV4Authorization(header: authorization).scope
        {
            return scope.service != "s3"
        }
        let query = request.uri.query ?? ""
        if query.split(separator: "&").contains(where: { $0.hasPrefix("Action=") }) { return true }
        return request.method == .post && query.isEmpty
            && request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
    }

    /// EC2's and SQS's query protocols: the service is the one the request was signed for, else the one
    /// whose action it names (their actions differ) or whose queue URL it was posted to.
    private func respondQuery(to request: Request, requestID: String) async -> Response {
        let body: [UInt8]
        switch await Self.readBody(request) {
        case .success(let bytes): body = bytes
        case .failure(let tooLarge): return ec2.error(tooLarge, requestID: requestID)
        }
        let parameters = FormParameters.parse(query: request.uri.query, body: body)
        let claimed = request.headers[.authorization].flatMap { try? SigV4Authorization(header: $0).scope.service }
        let isSQS =
            claimed.map { $0 == "sqs" }
            ?? (sqsQuery.actions.contains(parameters?["Action"] ?? "")
                || request.uri.path.split(separator: "/").count == 2)
        func refuse(_ error: CloudError) -> Response {
            isSQS ? sqsQuery.error(error, requestID: requestID) : ec2.error(error, requestID: requestID)
        }
        guard let parameters else {
            return refuse(CloudError(code: "MalformedQueryString", message: "The query string has a malformed escape."))
        }
        let scope: CredentialScope?
        do {
            scope = try verifier.verify(request, body: body)
        } catch {
            return refuse(error.cloudError(s3: false))
        }
        let region = scope?.region ?? verifier.regions[0]
        guard isSQS else { return await ec2.respond(parameters: parameters, region: region, requestID: requestID) }
        return await sqsQuery.respond(
            parameters: parameters, path: request.uri.path, region: region,
            endpoint: request.endpointBase(fallback: "http://localhost"), requestID: requestID)
    }

    private func respondS3(to request: Request, requestID: String) async -> Response {
        let isHead = request.method == .head
        guard
            let address = S3Address(
                rawPath: request.uri.path, rawQuery: request.uri.query, host: request.head.authority)
        else {
            return S3Protocol.error(
                CloudError(code: "InvalidURI", message: "Couldn't parse the specified URI."), requestID: requestID,
                head: isHead)
        }
        // A browser-style upload is signed in its form, not its headers.
        if request.method == .post, let bucket = address.bucket, address.key == nil, address.query.isEmpty,
            let boundary = request.headers[.contentType].flatMap(FormHead.boundary(contentType:))
        {
            return await S3PostObject(processor: s3.processor, verifier: verifier).respond(
                request, bucket: bucket, boundary: boundary, requestID: requestID)
        }
        let contentSHA = request.headers[.amzContentSHA256]
        let authorization = request.headers[.authorization]
        if authorization != nil, contentSHA == nil {
            return S3Protocol.error(
                CloudError(
                    code: "InvalidRequest", message: "Missing required header for this request: x-amz-content-sha256"),
                requestID: requestID, head: isHead)
        }
        let scope: CredentialScope?
        do {
            let signable = request.signable(payloadHash: contentSHA ?? "UNSIGNED-PAYLOAD", isS3: true)
            if authorization == nil, address.query["X-Amz-Algorithm"] != nil {
                scope = try verifier.verifyPresigned(signable, query: address.query)
            } else if authorization == nil, address.query["AWSAccessKeyId"] != nil {
                let virtual = request.head.authority.flatMap(S3Address.virtualHostedBucket)
                scope = try verifier.verifyPresignedV2(
                    signable, resource: virtual.map { "/\($0)" + request.uri.path } ?? request.uri.path,
                    query: address.query)
            } else {
                scope = try verifier.verify(
                    signable, authorization: authorization, amzDate: request.headers[.amzDate])
            }
        } catch {
            return S3Protocol.error(error.cloudError(s3: true), requestID: requestID, head: isHead)
        }
        var checks = BodyChecks()
        if let contentSHA, contentSHA.count == 64, contentSHA.allSatisfy(\.isHexDigit) {
            checks.payloadSHA256 = contentSHA
        }
        for algorithm in BodyChecks.Algorithm.allCases {
            if let value = request.headers[HTTPField.Name(algorithm.header)!] { checks.expected[algorithm] = value }
        }
        if let trailer = request.headers[.amzTrailer] {
            checks.trailing = BodyChecks.Algorithm.allCases.first { $0.header == trailer.lowercased() }
        }
        let isChunked =
            contentSHA?.hasPrefix("STREAMING-") == true
            || request.headers[.contentEncoding]?.contains("aws-chunked") == true
        var signing: AWSChunkedDecoder.ChunkSigning?
        if let scope, let authorization, let amzDate = request.headers[.amzDate],
            contentSHA?.hasPrefix("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") == true,
            let key = verifier.signingKey(for: scope),
            let seed = try? SigV4Authorization(header: authorization).signature
        {
            signing = AWSChunkedDecoder.ChunkSigning(
                key: key, amzDate: amzDate, scope: scope.signingScope, previous: seed)
        }
        return await s3.respond(
            to: request, address: address,
            context: S3Protocol.Context(
                requestID: requestID, region: scope?.region ?? verifier.regions[0], checks: checks, chunked: signing,
                isChunked: isChunked))
    }

    /// A small body, read whole; one over the limit is refused before it is read.
    /// A JSON or query request's whole body and the scope of its signature, verified over that body.
    func readSigned(_ request: Request) async -> Result<([UInt8], CredentialScope?), CloudError> {
        switch await Self.readBody(request) {
        case .success(let body):
            do {
                return .success((body, try verifier.verify(request, body: body)))
            } catch {
                return .failure(error.cloudError(s3: false))
            }
        case .failure(let tooLarge): return .failure(tooLarge)
        }
    }

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
