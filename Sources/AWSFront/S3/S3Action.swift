import API
import HTTPTypes

/// The S3 action a REST request names, by its method, whether it names a bucket and a key, and its
/// subresource (`?versioning`, `?uploads`, `?tagging`, …), as S3's API reference lays them out.
enum S3Action: String, Sendable {
    case listBuckets = "ListBuckets"
    case createBucket = "CreateBucket"
    case deleteBucket = "DeleteBucket"
    case headBucket = "HeadBucket"
    case getBucketLocation = "GetBucketLocation"
    case getBucketVersioning = "GetBucketVersioning"
    case putBucketVersioning = "PutBucketVersioning"
    case listObjects = "ListObjects"
    case listObjectsV2 = "ListObjectsV2"
    case listObjectVersions = "ListObjectVersions"
    case listMultipartUploads = "ListMultipartUploads"
    case deleteObjects = "DeleteObjects"
    case putObject = "PutObject"
    case copyObject = "CopyObject"
    case getObject = "GetObject"
    case headObject = "HeadObject"
    case deleteObject = "DeleteObject"
    case createMultipartUpload = "CreateMultipartUpload"
    case uploadPart = "UploadPart"
    case uploadPartCopy = "UploadPartCopy"
    case completeMultipartUpload = "CompleteMultipartUpload"
    case abortMultipartUpload = "AbortMultipartUpload"
    case listParts = "ListParts"
    case putObjectTagging = "PutObjectTagging"
    case getObjectTagging = "GetObjectTagging"
    case deleteObjectTagging = "DeleteObjectTagging"

    /// The socket's method that runs it (ListObjects runs as ListObjectsV2, and answers in v1's shape).
    var method: String { self == .listObjects ? "s3.ListObjectsV2" : "s3." + rawValue }

    /// Subresources S3 has that this cloud does not: named in a clear `NotImplemented`, never mistaken for
    /// an object or a listing.
    private static let unsupported: Set<String> = [
        "accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory",
        "legal-hold", "lifecycle", "logging", "metrics", "notification", "object-lock", "ownershipControls",
        "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment", "restore", "retention",
        "select", "torrent", "website",
    ]

    static func route(_ method: HTTPRequest.Method, _ address: S3Address, copySource: Bool) -> Result<
        S3Action, CloudError
    > {
        let query = address.query
        if let name = query.keys.first(where: unsupported.contains)
            ?? (address.key == nil && query["tagging"] != nil ? "tagging" : nil)
        {
            return .failure(
                CloudError(
                    code: "NotImplemented",
                    message: "S3's '\(name)' subresource is not implemented by this cloud.", status: 501))
        }
        let action: S3Action?
        switch (address.bucket, address.key) {
        case (nil, _):
            action = method == .get ? .listBuckets : nil
        case (_?, nil):
            switch method {
            case .put: action = query["versioning"] != nil ? .putBucketVersioning : .createBucket
            case .get:
                action =
                    if query["location"] != nil { .getBucketLocation } else if query["versioning"] != nil {
                        .getBucketVersioning
                    } else if query["versions"] != nil { .listObjectVersions } else if query["uploads"] != nil {
                        .listMultipartUploads
                    } else if query["list-type"] == "2" { .listObjectsV2 } else { .listObjects }
            case .head: action = .headBucket
            case .delete: action = .deleteBucket
            case .post: action = query["delete"] != nil ? .deleteObjects : nil
            default: action = nil
            }
        case (_?, _?):
            let upload = query["uploadId"] != nil
            switch method {
            case .put:
                action =
                    if query["tagging"] != nil { .putObjectTagging } else if upload {
                        copySource ? .uploadPartCopy : .uploadPart
                    } else { copySource ? .copyObject : .putObject }
            case .get: action = query["tagging"] != nil ? .getObjectTagging : upload ? .listParts : .getObject
            case .head: action = .headObject
            case .delete:
                action = query["tagging"] != nil ? .deleteObjectTagging : upload ? .abortMultipartUpload : .deleteObject
            case .post:
                action = query["uploads"] != nil ? .createMultipartUpload : upload ? .completeMultipartUpload : nil
            default: action = nil
            }
        }
        guard let action else {
            return .failure(
                CloudError(
                    code: "MethodNotAllowed",
                    message: "The specified method (\(method.rawValue)) is not allowed against this resource.",
                    status: 405))
        }
        return .success(action)
    }
}
