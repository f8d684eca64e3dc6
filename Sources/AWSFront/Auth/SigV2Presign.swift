import Crypto
import Foundation

/// S3's presigned URLs of signature version 2 (`AWSAccessKeyId`, `Expires`, `Signature`: HMAC-SHA1 of the
/// method, `Content-MD5`, `Content-Type`, the expiry, the `x-amz-*` headers and the resource), which boto3
/// still makes for us-east-1 unless told `signature_version="s3v4"`.
extension SigV4Verifier {
    /// The query parameters that are part of the signed resource, as botocore lists them.
    private static let signedSubresources: Set<String> = [
        "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber", "policy",
        "requestPayment", "torrent", "versioning", "versionId", "versions", "website", "uploads", "uploadId",
        "response-content-type", "response-content-language", "response-expires", "response-cache-control",
        "response-content-disposition", "response-content-encoding", "delete", "lifecycle", "tagging", "restore",
        "storageClass", "notification", "replication", "analytics", "metrics", "inventory", "select", "select-type",
        "object-lock",
    ]

    /// Verifies a version 2 presigned URL: its expiry always, its signature when the endpoint has credentials.
    ///
    /// - Parameter resource: `/bucket/key` as sent (percent-encoded), whatever the addressing style.
    func verifyPresignedV2(_ request: SignableRequest, resource: String, query: [String: String]) throws(AuthFailure)
        -> CredentialScope
    {
        guard let key = query["AWSAccessKeyId"], let signature = query["Signature"], let expiresText = query["Expires"]
        else { throw .malformed("a presigned URL needs AWSAccessKeyId, Expires and Signature.") }
        guard let expires = Double(expiresText) else { throw .malformed("Expires must be a Unix time.") }
        guard now().timeIntervalSince1970 <= expires else {
            throw .expired("it expired at \(Date(timeIntervalSince1970: expires)).")
        }
        let scope = CredentialScope(accessKeyID: key, date: "", region: regions[0], service: "s3")
        guard let credentials else { return scope }
        guard let secret = credentials.secrets[key] else { throw .unknownKey(key) }
        let amzHeaders = request.amzHeaders.map { "\($0.name):\($0.value)\n" }.joined()
        let subresources = query.filter { Self.signedSubresources.contains($0.key) }.sorted { $0.key < $1.key }
            .map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }
        let canonical =
            [request.method, request.header("content-md5") ?? "", request.header("content-type") ?? "", expiresText]
            .joined(separator: "\n") + "\n" + amzHeaders + resource
            + (subresources.isEmpty ? "" : "?" + subresources.joined(separator: "&"))
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(canonical.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        guard Data(mac).base64EncodedString() == signature else { throw .mismatch }
        return scope
    }
}
