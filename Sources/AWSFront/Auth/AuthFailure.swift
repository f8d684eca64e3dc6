import API

/// Why a request's signature was not accepted. Each protocol names these its own way (`cloudError(s3:)`).
enum AuthFailure: Error, Equatable {
    /// No `Authorization` header (or presigned query) although credentials are required.
    case missing
    /// An `Authorization` header that is not SigV4's shape.
    case malformed(String)
    /// An access key id the credentials file does not hold.
    case unknownKey(String)
    /// The signature is not the one the secret gives.
    case mismatch
    /// The request's time is too far from the daemon's.
    case skewed(String)
    /// A presigned URL past its expiry.
    case expired(String)
    /// The credential scope names a region this cloud does not have.
    case unknownRegion(String, known: [String])

    /// The error as AWS reports it: S3 has codes of its own, the query and JSON services share theirs.
    func cloudError(s3: Bool) -> CloudError {
        switch self {
        case .missing:
            s3
                ? CloudError(
                    code: "AccessDenied", message: "Access Denied: this endpoint requires a signed request.",
                    status: 403)
                : CloudError(
                    code: "MissingAuthenticationToken",
                    message: "The request must be signed (SigV4) with an access key id of the endpoint's credentials.",
                    status: 403)
        case .malformed(let detail):
            CloudError(
                code: s3 ? "AuthorizationHeaderMalformed" : "IncompleteSignature",
                message: "The authorization header is malformed: \(detail)", status: 400)
        case .unknownKey(let key):
            CloudError(
                code: s3 ? "InvalidAccessKeyId" : "InvalidClientTokenId",
                message: "The access key id \(key) is not among this endpoint's credentials.", status: 403)
        case .mismatch:
            CloudError(
                code: "SignatureDoesNotMatch",
                message:
                    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                status: 403)
        case .skewed(let detail):
            CloudError(code: s3 ? "RequestTimeTooSkewed" : "RequestExpired", message: detail, status: s3 ? 403 : 400)
        case .expired(let detail):
            CloudError(code: "AccessDenied", message: "Request has expired: \(detail)", status: 403)
        case .unknownRegion(let region, let known):
            CloudError(
                code: s3 ? "AuthorizationHeaderMalformed" : "InvalidClientTokenId",
                message:
                    "The credential scope's region '\(region)' is not a region of this cloud; it has \(known.joined(separator: ", ")).",
                status: s3 ? 400 : 403)
        }
    }
}
