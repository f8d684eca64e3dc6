import API
import Foundation
import HTTPTypes
import Hummingbird
import Services

/// S3's REST protocol: the request's method, path, query and headers become an `s3.<Action>` call on the
/// socket's method table, its body a streamed payload or an XML document, and the result S3's headers and
/// XML.
struct S3Protocol: Sendable {
    static let xmlType = "application/xml"

    let processor: RequestProcessor

    /// What the request brought besides its address: who signed it and how its body is checked.
    struct Context: Sendable {
        var requestID: String
        var region: String
        var checks: BodyChecks
        var chunked: AWSChunkedDecoder.ChunkSigning?
        var isChunked: Bool
    }

    func respond(to request: Request, address: S3Address, context: Context) async -> Response {
        let isHead = request.method == .head
        let action: S3Action
        switch S3Action.route(request.method, address, copySource: request.headers[.copySource] != nil) {
        case .success(let routed): action = routed
        case .failure(let error): return Self.error(error, requestID: context.requestID, head: isHead)
        }
        do throws(CloudError) {
            var params = try S3Parameters.params(for: action, request: request, address: address)
            let outcome: Result<RequestProcessor.Invocation, RPCErrorObject>
            var checksums: [BodyChecks.Algorithm: String] = [:]
            switch action {
            case .putObject, .uploadPart:
                let (result, computed) = try await stream(request, action: action, params: params, context: context)
                outcome = result
                checksums = computed
            default:
                if let reader = S3Parameters.document(for: action) {
                    params.merge(try await document(request, reader: reader, context: context)) { $1 }
                }
                outcome = await RequestScope.$region.withValue(context.region) {
                    await processor.invoke(action.method, params: .object(params))
                }
            }
            switch outcome {
            case .success(let invocation):
                let result = (try? JSONParser.parse(invocation.json)) ?? .object([:])
                return S3Results.render(
                    action, result, payload: invocation.payload, address: address, checksums: checksums,
                    requestID: context.requestID, isHead: isHead)
            case .failure(let error):
                throw FrontReply.cloudError(error)
            }
        } catch {
            return Self.error(error, requestID: context.requestID, head: isHead)
        }
    }

    /// PutObject and UploadPart: the body streams into the service as it arrives.
    private func stream(
        _ request: Request, action: S3Action, params: [String: JSONValue], context: Context
    ) async throws(CloudError) -> (Result<RequestProcessor.Invocation, RPCErrorObject>, [BodyChecks.Algorithm: String])
    {
        let declared =
            context.isChunked
            ? request.headers[.decodedContentLength].flatMap { Int($0) }
            : request.headers[.contentLength].flatMap { Int($0) }
        guard let length = declared, length >= 0 else {
            throw CloudError(
                code: "MissingContentLength",
                message: context.isChunked
                    ? "An aws-chunked body needs x-amz-decoded-content-length."
                    : "You must provide the Content-Length HTTP header.",
                status: 411)
        }
        var params = params
        params["Body"] = .object([PayloadMarker.key: .int(length)])
        let gate = ResumeGate()
        let (feed, payload) = PayloadFeed.make(length: length) { gate.open() }
        let pump = BodyPump(
            length: length, checks: context.checks,
            chunked: context.isChunked ? AWSChunkedDecoder(signing: context.chunked) : nil)
        let body = request.body
        let pumping = Task { await pump.run(body, into: feed, gate: gate) }
        let outcome = await RequestScope.$region.withValue(context.region) {
            await processor.invoke(action.method, params: .object(params), payload: payload)
        }
        gate.release()
        switch await pumping.value {
        case .refused(let error): throw error
        case .broken: throw CloudError(code: "IncompleteBody", message: "The client closed the connection mid-body.")
        case .complete(let computed): return (outcome, computed)
        }
    }

    /// The XML document a request carries, read whole and checked against its signed hash.
    private func document(
        _ request: Request, reader: S3Parameters.DocumentReader, context: Context
    ) async throws(CloudError) -> [String: JSONValue] {
        let bytes = try await FrontResponder.readBody(request).get()
        var checks = context.checks
        checks.update(ByteBuffer(bytes: bytes))
        if case .failure(let error) = checks.finish() { throw error }
        if bytes.isEmpty {
            guard reader.optional else { throw S3Documents.malformed("the request needs an XML body.") }
            return [:]
        }
        guard let tree = XMLTree.parse(bytes) else { throw S3Documents.malformed("the body is not XML.") }
        return try reader.read(tree)
    }

    /// S3's error document, `<Error><Code>…`; a HEAD's answer has no body.
    static func error(_ error: CloudError, requestID: String, head: Bool) -> Response {
        let body =
            head ? [] : XMLText.s3Error(CloudErrorParts(code: error.code, message: error.message), requestID: requestID)
        var response = FrontReply.make(
            status: error.status, contentType: xmlType, body: body, requestID: requestID, requestIDHeader: .s3RequestID)
        if head { response.headers[.contentLength] = "0" }
        return response
    }
}
