import API
import Foundation
import HTTPTypes
import Hummingbird

/// An S3 REST request's parameters in the members the socket's `s3.<Action>` takes: S3's headers
/// (`x-amz-meta-*`, `Range`, `If-Match`, `x-amz-copy-source`, …) and query parameters (`versionId`,
/// `uploadId`, `max-keys`, …).
enum S3Parameters {
    /// How an action's XML document becomes members.
    struct DocumentReader: Sendable {
        var optional: Bool
        var read: @Sendable (XMLTree) throws(CloudError) -> [String: JSONValue]
    }

    static func document(for action: S3Action) -> DocumentReader? {
        switch action {
        case .createBucket: DocumentReader(optional: true, read: S3Documents.createBucket)
        case .putBucketVersioning: DocumentReader(optional: false, read: S3Documents.versioning)
        case .deleteObjects: DocumentReader(optional: false, read: S3Documents.delete)
        case .completeMultipartUpload: DocumentReader(optional: false, read: S3Documents.completeMultipartUpload)
        case .putObjectTagging: DocumentReader(optional: false, read: S3Documents.tagging)
        default: nil
        }
    }

    static func params(for action: S3Action, request: Request, address: S3Address) throws(CloudError) -> [String:
        JSONValue]
    {
        var params: [String: JSONValue] = [:]
        if let bucket = address.bucket { params["Bucket"] = .string(bucket) }
        if let key = address.key { params["Key"] = .string(key) }
        let headers = request.headers
        let query = address.query
        func header(_ name: HTTPField.Name, as member: String) {
            if let value = headers[name] { params[member] = .string(value) }
        }
        func date(_ name: HTTPField.Name, as member: String) {
            if let value = headers[name], let date = HTTPDate.parse(value) {
                params[member] = .string(date.formatted(.iso8601))
            }
        }
        func parameter(_ name: String, as member: String) {
            if let value = query[name] { params[member] = .string(value) }
        }
        func number(_ name: String, as member: String) throws(CloudError) {
            guard let text = query[name] else { return }
            guard let value = Int(text), value >= 0 else {
                throw CloudError(
                    code: "InvalidArgument", message: "\(name) must be a non-negative integer, not '\(text)'.")
            }
            params[member] = .int(value)
        }
        func metadata() {
            var members: [String: JSONValue] = [:]
            for field in headers where field.name.canonicalName.hasPrefix("x-amz-meta-") {
                members[String(field.name.canonicalName.dropFirst("x-amz-meta-".count))] = .string(field.value)
            }
            if !members.isEmpty { params["Metadata"] = .object(members) }
        }
        func copySource() throws(CloudError) {
            guard let raw = headers[.copySource] else { return }
            // `bucket/key?versionId=…`, URL-encoded; a leading slash is allowed.
            let (path, version) = raw.split(separator: "?", maxSplits: 1).map(String.init).splitFirst
            guard var source = URIEncoding.decode(path) else {
                throw CloudError(code: "InvalidArgument", message: "x-amz-copy-source is not URL-encoded: '\(raw)'.")
            }
            if source.hasPrefix("/") { source.removeFirst() }
            if let version { source += "?" + version }
            params["CopySource"] = .string(source)
            header(.copySourceIfMatch, as: "CopySourceIfMatch")
            header(.copySourceIfNoneMatch, as: "CopySourceIfNoneMatch")
            date(.copySourceIfModifiedSince, as: "CopySourceIfModifiedSince")
            date(.copySourceIfUnmodifiedSince, as: "CopySourceIfUnmodifiedSince")
        }
        switch action {
        case .listBuckets, .createBucket, .deleteBucket, .headBucket, .getBucketLocation, .getBucketVersioning,
            .putBucketVersioning, .deleteObjects:
            break
        case .abortMultipartUpload, .completeMultipartUpload:
            parameter("uploadId", as: "UploadId")
        case .listObjectsV2:
            parameter("prefix", as: "Prefix")
            parameter("delimiter", as: "Delimiter")
            parameter("start-after", as: "StartAfter")
            parameter("continuation-token", as: "ContinuationToken")
            try number("max-keys", as: "MaxKeys")
        case .listObjects:
            parameter("prefix", as: "Prefix")
            parameter("delimiter", as: "Delimiter")
            parameter("marker", as: "StartAfter")
            try number("max-keys", as: "MaxKeys")
        case .listObjectVersions:
            parameter("prefix", as: "Prefix")
            parameter("delimiter", as: "Delimiter")
            parameter("key-marker", as: "KeyMarker")
            parameter("version-id-marker", as: "VersionIdMarker")
            try number("max-keys", as: "MaxKeys")
        case .listMultipartUploads:
            parameter("prefix", as: "Prefix")
        case .putObject:
            header(.contentType, as: "ContentType")
            header(.contentMD5, as: "ContentMD5")
            header(.tagging, as: "Tagging")
            metadata()
        case .copyObject:
            try copySource()
            header(.contentType, as: "ContentType")
            header(.metadataDirective, as: "MetadataDirective")
            header(.taggingDirective, as: "TaggingDirective")
            header(.tagging, as: "Tagging")
            metadata()
        case .getObject, .headObject:
            parameter("versionId", as: "VersionId")
            header(.range, as: "Range")
            header(.ifMatch, as: "IfMatch")
            header(.ifNoneMatch, as: "IfNoneMatch")
            date(.ifModifiedSince, as: "IfModifiedSince")
            date(.ifUnmodifiedSince, as: "IfUnmodifiedSince")
            header(.checksumMode, as: "ChecksumMode")
        case .deleteObject, .getObjectTagging, .putObjectTagging, .deleteObjectTagging:
            parameter("versionId", as: "VersionId")
        case .createMultipartUpload:
            header(.contentType, as: "ContentType")
            header(.tagging, as: "Tagging")
            metadata()
        case .uploadPart, .uploadPartCopy:
            parameter("uploadId", as: "UploadId")
            try number("partNumber", as: "PartNumber")
            if action == .uploadPart {
                header(.contentMD5, as: "ContentMD5")
            } else {
                try copySource()
                header(.copySourceRange, as: "CopySourceRange")
            }
        case .listParts:
            parameter("uploadId", as: "UploadId")
            try number("max-parts", as: "MaxParts")
            try number("part-number-marker", as: "PartNumberMarker")
        }
        return params
    }
}

extension Array where Element == String {
    /// The first element and the second, if there is one.
    fileprivate var splitFirst: (String, String?) { (first ?? "", count > 1 ? self[1] : nil) }
}

extension HTTPField.Name {
    static let copySource = HTTPField.Name("x-amz-copy-source")!
    static let copySourceIfMatch = HTTPField.Name("x-amz-copy-source-if-match")!
    static let copySourceIfNoneMatch = HTTPField.Name("x-amz-copy-source-if-none-match")!
    static let copySourceIfModifiedSince = HTTPField.Name("x-amz-copy-source-if-modified-since")!
    static let copySourceIfUnmodifiedSince = HTTPField.Name("x-amz-copy-source-if-unmodified-since")!
    static let copySourceRange = HTTPField.Name("x-amz-copy-source-range")!
    static let copySourceVersionID = HTTPField.Name("x-amz-copy-source-version-id")!
    static let metadataDirective = HTTPField.Name("x-amz-metadata-directive")!
    static let taggingDirective = HTTPField.Name("x-amz-tagging-directive")!
    static let tagging = HTTPField.Name("x-amz-tagging")!
    static let taggingCount = HTTPField.Name("x-amz-tagging-count")!
    static let contentMD5 = HTTPField.Name("Content-MD5")!
    static let decodedContentLength = HTTPField.Name("x-amz-decoded-content-length")!
    static let versionID = HTTPField.Name("x-amz-version-id")!
    static let checksumMode = HTTPField.Name("x-amz-checksum-mode")!
    static let checksumType = HTTPField.Name("x-amz-checksum-type")!
    static let deleteMarker = HTTPField.Name("x-amz-delete-marker")!
    static let bucketRegion = HTTPField.Name("x-amz-bucket-region")!
    static let s3RequestID = HTTPField.Name("x-amz-request-id")!
    static let amzTrailer = HTTPField.Name("x-amz-trailer")!
    static let sdkChecksumAlgorithm = HTTPField.Name("x-amz-sdk-checksum-algorithm")!
}
