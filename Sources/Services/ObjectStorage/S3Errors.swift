import API

/// S3's error codes, with the HTTP status S3 answers them with.
enum S3Errors {
    static func noSuchBucket(_ name: String) -> CloudError {
        CloudError(code: "NoSuchBucket", message: "The specified bucket does not exist: \(name).", status: 404)
    }

    static func noSuchKey(_ bucket: String, _ key: String) -> CloudError {
        CloudError(code: "NoSuchKey", message: "The specified key does not exist: \(bucket)/\(key).", status: 404)
    }

    static func bucketAlreadyOwnedByYou(_ name: String) -> CloudError {
        CloudError(
            code: "BucketAlreadyOwnedByYou",
            message: "Your previous request to create the named bucket succeeded and you already own it: \(name).",
            status: 409)
    }

    static func bucketNotEmpty(_ name: String) -> CloudError {
        CloudError(
            code: "BucketNotEmpty",
            message: "The bucket you tried to delete is not empty: \(name). Delete its objects first.", status: 409)
    }

    static func invalidBucketName(_ name: String, _ why: String) -> CloudError {
        CloudError(code: "InvalidBucketName", message: "The specified bucket is not valid: '\(name)' \(why).")
    }

    static func invalidArgument(_ message: String) -> CloudError {
        CloudError(code: "InvalidArgument", message: message)
    }

    static func invalidRange(_ range: String, size: Int64) -> CloudError {
        CloudError(
            code: "InvalidRange",
            message: "The requested range is not satisfiable: '\(range)' of an object of \(size) bytes.", status: 416)
    }

    static func preconditionFailed(_ condition: String) -> CloudError {
        CloudError(
            code: "PreconditionFailed",
            message: "At least one of the pre-conditions you specified did not hold: \(condition).",
            status: 412)
    }

    static func notModified() -> CloudError {
        CloudError(code: "NotModified", message: "Not Modified: the object did not change.", status: 304)
    }

    static func badDigest() -> CloudError {
        CloudError(code: "BadDigest", message: "The Content-MD5 you specified did not match what we received.")
    }

    static func invalidDigest(_ value: String) -> CloudError {
        CloudError(code: "InvalidDigest", message: "The Content-MD5 you specified is not valid: '\(value)'.")
    }

    static func incompleteBody(_ detail: String) -> CloudError {
        CloudError(
            code: "IncompleteBody",
            message: "You did not provide the number of bytes specified by the Content-Length: \(detail).")
    }
}

extension S3Errors {
    static func noSuchVersion(_ bucket: String, _ key: String, _ versionId: String) -> CloudError {
        CloudError(
            code: "NoSuchVersion",
            message: "The specified version does not exist: \(bucket)/\(key) version \(versionId).", status: 404)
    }

    static func invalidVersionId(_ versionId: String) -> CloudError {
        CloudError(code: "InvalidArgument", message: "Invalid version id specified: '\(versionId)'.")
    }

    /// A version that is a delete marker has no bytes, tags or metadata to read.
    static func deleteMarkerVersion(_ bucket: String, _ key: String) -> CloudError {
        CloudError(
            code: "MethodNotAllowed",
            message: "The specified method is not allowed against this resource: \(bucket)/\(key) is a delete marker.",
            status: 405)
    }
}
