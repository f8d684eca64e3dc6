import Crypto
import Foundation

/// The signature of a browser-style POST upload, which signs its policy rather than a canonical request:
/// SigV4's (`x-amz-algorithm`, `x-amz-credential`, `x-amz-date`, `x-amz-signature`: the hex HMAC of the
/// base64 policy under the scope's signing key), or version 2's (`AWSAccessKeyId`, `signature`: the base64
/// HMAC-SHA1 of the policy under the secret).
extension SigV4Verifier {
    /// The form's credential scope; nil for an anonymous form (no policy), accepted only without credentials.
    func verifyPost(_ head: FormHead) throws(AuthFailure) -> CredentialScope? {
        guard let policy = head.field("policy") else {
            if credentials != nil { throw .missing }
            return nil
        }
        if let credential = head.field("x-amz-credential") {
            guard head.field("x-amz-algorithm") == SigV4Authorization.algorithm else {
                throw .malformed("x-amz-algorithm must be \(SigV4Authorization.algorithm).")
            }
            guard let amzDate = head.field("x-amz-date"), let signature = head.field("x-amz-signature") else {
                throw .malformed("a signed POST form needs x-amz-date and x-amz-signature.")
            }
            let scope = try CredentialScope(credential)
            guard regions.contains(scope.region) else { throw .unknownRegion(scope.region, known: regions) }
            guard amzDate.hasPrefix(scope.date) else {
                throw .malformed("the credential's date \(scope.date) is not x-amz-date's (\(amzDate.prefix(8))).")
            }
            guard let key = try signingKey(known: scope) else { return scope }
            let expected = CanonicalRequest.signature(stringToSign: policy, key: key)
            guard Self.constantTimeEqual(expected, signature.lowercased()) else { throw .mismatch }
            return scope
        }
        guard let keyID = head.field("AWSAccessKeyId"), let signature = head.field("signature") else {
            throw .malformed("a POST form with a policy is signed: x-amz-credential (SigV4) or AWSAccessKeyId (v2).")
        }
        let scope = CredentialScope(accessKeyID: keyID, date: "", region: regions[0], service: "s3")
        guard let credentials else { return scope }
        guard let secret = credentials.secrets[keyID] else { throw .unknownKey(keyID) }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(policy.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        guard Self.constantTimeEqual(Data(mac).base64EncodedString(), signature) else { throw .mismatch }
        return scope
    }

    /// The scope's signing key; nil without credentials (any key is accepted); an unknown key is refused.
    private func signingKey(known scope: CredentialScope) throws(AuthFailure) -> SymmetricKey? {
        guard let credentials else { return nil }
        guard let secret = credentials.secrets[scope.accessKeyID] else { throw .unknownKey(scope.accessKeyID) }
        return CanonicalRequest.signingKey(secret: secret, scope: scope)
    }
}
