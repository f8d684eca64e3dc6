import API
import HTTPTypes
import Hummingbird
import NIOCore

/// An S3 action's result as S3 answers it: XML documents for listings and multipart calls, headers for
/// object calls, and the object's bytes, streamed from the service's payload source, for GetObject.
enum S3Results {
    static func render(
        _ action: S3Action, _ result: JSONValue, payload: PayloadSource?, address: S3Address,
        checksums: [BodyChecks.Algorithm: String], requestID: String, isHead: Bool
    ) -> Response {
        var headers: HTTPFields = [:]
        func header(_ name: HTTPField.Name, _ member: String) {
            switch result[member] {
            case .string(let value)?: headers[name] = value
            case .int(let value)?: headers[name] = String(value)
            case .bool(let value)?: headers[name] = value ? "true" : "false"
            default: break
            }
        }
        func xml(_ root: String, _ value: JSONValue? = nil, leaving excluded: Set<String> = []) -> Response {
            reply(
                200, body: S3XML.document(root, value ?? result, leaving: excluded), headers: headers,
                requestID: requestID)
        }
        for (algorithm, value) in checksums { headers[HTTPField.Name(algorithm.header)!] = value }
        switch action {
        case .listBuckets: return xml("ListAllMyBucketsResult")
        case .createBucket:
            header(.location, "Location")
            return reply(200, headers: headers, requestID: requestID)
        case .headBucket:
            header(.bucketRegion, "BucketRegion")
            return reply(200, headers: headers, requestID: requestID)
        case .getBucketLocation: return xml("LocationConstraint", result["LocationConstraint"] ?? .null)
        case .getBucketVersioning: return xml("VersioningConfiguration")
        case .putBucketVersioning: return reply(200, headers: headers, requestID: requestID)
        case .deleteBucket, .abortMultipartUpload: return reply(204, headers: headers, requestID: requestID)
        case .listObjectsV2: return xml("ListBucketResult")
        case .listObjects: return xml("ListBucketResult", listObjectsV1(result, address: address))
        case .listObjectVersions: return xml("ListVersionsResult")
        case .listMultipartUploads: return xml("ListMultipartUploadsResult")
        case .deleteObjects: return xml("DeleteResult")
        case .putObject, .uploadPart:
            header(.eTag, "ETag")
            header(.versionID, "VersionId")
            return reply(200, headers: headers, requestID: requestID)
        case .copyObject:
            header(.versionID, "VersionId")
            header(.copySourceVersionID, "CopySourceVersionId")
            return xml("CopyObjectResult", result["CopyObjectResult"])
        case .uploadPartCopy:
            header(.copySourceVersionID, "CopySourceVersionId")
            return xml("CopyPartResult", result["CopyPartResult"])
        case .createMultipartUpload: return xml("InitiateMultipartUploadResult")
        case .completeMultipartUpload:
            header(.versionID, "VersionId")
            return xml("CompleteMultipartUploadResult", leaving: ["VersionId"])
        case .listParts: return xml("ListPartsResult")
        case .deleteObject:
            header(.versionID, "VersionId")
            header(.deleteMarker, "DeleteMarker")
            return reply(204, headers: headers, requestID: requestID)
        case .putObjectTagging:
            header(.versionID, "VersionId")
            return reply(200, headers: headers, requestID: requestID)
        case .deleteObjectTagging:
            header(.versionID, "VersionId")
            return reply(204, headers: headers, requestID: requestID)
        case .getObjectTagging:
            header(.versionID, "VersionId")
            return xml("Tagging", leaving: ["VersionId"])
        case .getObject, .headObject:
            return object(
                result, payload: isHead ? nil : payload, query: address.query, headers: headers, requestID: requestID)
        }
    }

    /// GetObject's and HeadObject's headers, and GetObject's bytes.
    private static func object(
        _ result: JSONValue, payload: PayloadSource?, query: [String: String], headers: HTTPFields, requestID: String
    ) -> Response {
        var headers = headers
        let length = result["ContentLength"]?.intValue ?? 0
        headers[.contentLength] = String(length)
        if let range = result["ContentRange"]?.stringValue { headers[.contentRange] = range }
        if let eTag = result["ETag"]?.stringValue { headers[.eTag] = eTag }
        if let type = result["ContentType"]?.stringValue { headers[.contentType] = type }
        if let modified = result["LastModified"]?.stringValue.flatMap(HTTPDate.parse) {
            headers[.lastModified] = HTTPDate.format(modified)
        }
        headers[.acceptRanges] = result["AcceptRanges"]?.stringValue ?? "bytes"
        if let version = result["VersionId"]?.stringValue { headers[.versionID] = version }
        if let count = result["TagCount"]?.intValue { headers[.taggingCount] = String(count) }
        for algorithm in BodyChecks.Algorithm.allCases {
            let member = "Checksum" + algorithm.rawValue.uppercased()
            if let value = result[member]?.stringValue { headers[HTTPField.Name(algorithm.header)!] = value }
        }
        if let type = result["ChecksumType"]?.stringValue { headers[.checksumType] = type }
        if case .object(let metadata)? = result["Metadata"] {
            for (name, value) in metadata {
                if let field = HTTPField.Name("x-amz-meta-" + name), let text = value.stringValue {
                    headers[field] = text
                }
            }
        }
        // A presigned GET may ask for other response headers.
        for (parameter, field) in responseOverrides {
            if let value = query[parameter] { headers[field] = value }
        }
        headers[.s3RequestID] = requestID
        let status: HTTPResponse.Status = result["ContentRange"] == nil ? .ok : .partialContent
        guard let payload else { return Response(status: status, headers: headers, body: ResponseBody()) }
        return Response(
            status: status, headers: headers,
            body: ResponseBody(contentLength: payload.length) { writer in
                var offset = 0
                while offset < payload.length {
                    let chunk = try await payload.read(at: offset, maxCount: 256 << 10)
                    guard chunk.count > 0 else {
                        throw PayloadError.sourceMismatch(offset: offset, length: payload.length)
                    }
                    try await writer.write(chunk.buffer)
                    offset += chunk.count
                }
                try await writer.finish(nil)
            })
    }

    private static let responseOverrides: [(String, HTTPField.Name)] = [
        ("response-content-type", .contentType), ("response-content-disposition", .contentDisposition),
        ("response-content-encoding", .contentEncoding), ("response-content-language", .contentLanguage),
        ("response-cache-control", .cacheControl), ("response-expires", .expires),
    ]

    /// ListObjects (v1) from ListObjectsV2's result: `Marker` for `StartAfter`, and a `NextMarker` when a
    /// truncated listing has a delimiter, as S3 gives it.
    private static func listObjectsV1(_ result: JSONValue, address: S3Address) -> JSONValue {
        guard case .object(var members) = result else { return result }
        for name in ["KeyCount", "ContinuationToken", "NextContinuationToken", "StartAfter"] { members[name] = nil }
        members["Marker"] = .string(address.query["marker"] ?? "")
        if members["IsTruncated"] == .bool(true) {
            func items(_ member: String, _ field: String) -> [String] {
                guard case .array(let items)? = members[member] else { return [] }
                return items.compactMap { $0[field]?.stringValue }
            }
            let keys = items("Contents", "Key")
            let prefixes = items("CommonPrefixes", "Prefix")
            if let last = (keys + prefixes).max() { members["NextMarker"] = .string(last) }
        }
        return .object(members)
    }

    private static func reply(_ status: Int, body: [UInt8] = [], headers: HTTPFields, requestID: String) -> Response {
        var response = FrontReply.make(
            status: status, contentType: S3Protocol.xmlType, body: body, requestID: requestID, extra: headers,
            requestIDHeader: .s3RequestID)
        if body.isEmpty { response.headers[.contentType] = nil }
        return response
    }
}
