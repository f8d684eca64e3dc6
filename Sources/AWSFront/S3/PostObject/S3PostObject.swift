import API
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Services

/// S3's browser-based uploads: `POST /<bucket>` with a `multipart/form-data` body whose fields (key,
/// policy, signature, Content-Type, `x-amz-meta-*`, `success_action_status`, …) come before the file. The
/// signature and the policy are checked before the file's first byte is read; the file then streams into
/// PutObject as the socket's does, so its size is bounded by nothing but the policy.
struct S3PostObject: Sendable {
    let processor: RequestProcessor
    let verifier: SigV4Verifier

    func respond(_ request: Request, bucket: String, boundary: String, requestID: String) async -> Response {
        do throws(CloudError) {
            return try await upload(request, bucket: bucket, boundary: boundary, requestID: requestID)
        } catch {
            return S3Protocol.error(error, requestID: requestID, head: false)
        }
    }

    private func upload(_ request: Request, bucket: String, boundary: String, requestID: String)
        async throws(CloudError)
        -> Response
    {
        guard let length = request.headers[.contentLength].flatMap({ Int($0) }), length >= 0 else {
            throw CloudError(
                code: "MissingContentLength", message: "You must provide the Content-Length HTTP header.", status: 411)
        }
        var body = request.body.makeAsyncIterator()
        var parser = FormHeadParser(boundary: boundary)
        var found: FormHead?
        while found == nil {
            guard let buffer = try await Self.next(&body) else {
                throw FormHead.malformed("it ends before its file field")
            }
            found = try parser.feed(buffer)
        }
        guard let head = found else { throw FormHead.malformed("it has no file field") }
        let scope: CredentialScope?
        do {
            scope = try verifier.verifyPost(head)
        } catch {
            throw error.cloudError(s3: true)
        }
        // The file runs to the closing delimiter, `CRLF--boundary--CRLF`, which ends the body.
        let closing = Array("\r\n--\(boundary)--\r\n".utf8)
        let size = length - head.consumed - closing.count
        guard size >= 0 else { throw FormHead.malformed("its Content-Length is shorter than its fields") }
        if let policy = head.field("policy") {
            try PostPolicy(base64: policy).check(fields: head.fields, bucket: bucket, size: size, now: verifier.now())
        }
        guard let key = head.field("key"), !key.isEmpty else {
            throw CloudError(
                code: "InvalidArgument",
                message:
                    "Bucket POST must contain a field named 'key'. If it is specified, please check the order of the fields."
            )
        }
        var params: [String: JSONValue] = [
            "Bucket": .string(bucket), "Key": .string(key.replacingOccurrences(of: "${filename}", with: head.fileName)),
            "Body": .object([PayloadMarker.key: .int(size)]),
        ]
        if let type = head.field("content-type") { params["ContentType"] = .string(type) }
        var metadata: [String: JSONValue] = [:]
        for (name, value) in head.fields where name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(name.lowercased().dropFirst("x-amz-meta-".count))] = .string(value)
        }
        if !metadata.isEmpty { params["Metadata"] = .object(metadata) }

        let gate = ResumeGate()
        let (feed, payload) = PayloadFeed.make(length: size) { gate.open() }
        let region = scope?.region ?? verifier.regions[0]
        let invoking = Task { [processor, params] in
            let outcome = await RequestScope.$region.withValue(region) {
                await processor.invoke("s3.PutObject", params: .object(params), payload: payload)
            }
            gate.release()
            return outcome
        }
        let pumped = await Self.pump(head.leftover, then: &body, size: size, closing: closing, into: feed, gate: gate)
        let outcome = await invoking.value
        if let refused = pumped { throw refused }
        switch outcome {
        case .success(let invocation):
            let result = (try? JSONParser.parse(invocation.json)) ?? .object([:])
            return reply(
                result, bucket: bucket, key: params["Key"]?.stringValue ?? key, head: head, request: request,
                requestID: requestID)
        case .failure(let failure):
            throw FrontReply.cloudError(failure)
        }
    }

    /// Feeds the file's `size` bytes, then checks that the closing delimiter, and nothing else, follows;
    /// nil when it did, else why the payload was failed.
    private static func pump(
        _ leftover: ByteBuffer, then body: inout RequestBody.AsyncIterator, size: Int, closing: [UInt8],
        into feed: PayloadFeed, gate: ResumeGate
    ) async -> CloudError? {
        var remaining = size
        var tail: [UInt8] = []
        var next: ByteBuffer? = leftover
        while var buffer = next {
            if remaining > 0, buffer.readableBytes > 0 {
                let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                remaining -= piece.readableBytes
                if !gate.isReleased, !feed.yield(piece) { await gate.wait() }
            }
            tail.append(contentsOf: buffer.readableBytesView)
            guard tail.count <= closing.count else { break }
            do {
                next = try await body.next()
            } catch {
                let broken = CloudError(code: "IncompleteBody", message: "The client closed the connection mid-body.")
                feed.fail(broken)
                return broken
            }
        }
        guard remaining == 0, tail == closing else {
            let malformed = FormHead.malformed(
                "its file must be followed by the closing boundary, CRLF--boundary--CRLF, and its Content-Length must count it"
            )
            feed.fail(malformed)
            return malformed
        }
        feed.finish()
        return nil
    }

    private static func next(_ body: inout RequestBody.AsyncIterator) async throws(CloudError) -> ByteBuffer? {
        do {
            return try await body.next()
        } catch {
            throw CloudError(code: "IncompleteBody", message: "The client closed the connection mid-body.")
        }
    }

    /// S3's answer: a redirect when the form asks for one, else `success_action_status` (204 by default; 201
    /// with a `PostResponse` document).
    private func reply(
        _ result: JSONValue, bucket: String, key: String, head: FormHead, request: Request, requestID: String
    ) -> Response {
        let eTag = result["ETag"]?.stringValue ?? ""
        var headers: HTTPFields = [.eTag: eTag]
        if let version = result["VersionId"]?.stringValue { headers[.versionID] = version }
        let location =
            request.endpointBase(fallback: "http://localhost") + "/" + bucket + "/"
            + URIEncoding.encode(key, keepingSlashes: true)
        headers[.location] = location
        if let redirect = head.field("success_action_redirect") ?? head.field("redirect"),
            var components = URLComponents(string: redirect), components.scheme != nil
        {
            components.queryItems =
                (components.queryItems ?? []) + [
                    URLQueryItem(name: "bucket", value: bucket), URLQueryItem(name: "key", value: key),
                    URLQueryItem(name: "etag", value: eTag),
                ]
            headers[.location] = components.string ?? redirect
            return FrontReply.make(
                status: 303, contentType: S3Protocol.xmlType, body: [], requestID: requestID, extra: headers)
        }
        switch head.field("success_action_status") {
        case "200":
            return FrontReply.make(
                status: 200, contentType: S3Protocol.xmlType, body: [], requestID: requestID, extra: headers)
        case "201":
            let text =
                #"<?xml version="1.0" encoding="UTF-8"?>"#
                + "\n<PostResponse><Location>\(XMLText.escape(location))</Location>"
                + "<Bucket>\(XMLText.escape(bucket))</Bucket><Key>\(XMLText.escape(key))</Key>"
                + "<ETag>\(XMLText.escape(eTag))</ETag></PostResponse>"
            return FrontReply.make(
                status: 201, contentType: S3Protocol.xmlType, body: Array(text.utf8), requestID: requestID,
                extra: headers)
        default:
            return FrontReply.make(
                status: 204, contentType: S3Protocol.xmlType, body: [], requestID: requestID, extra: headers)
        }
    }
}
