import Crypto
import Foundation

/// Checks SigV4 signatures against the endpoint's credentials; without credentials (local development) it
/// checks only their shape and region and accepts any key.
struct SigV4Verifier: Sendable {
    var credentials: Credentials?
    /// The cloud's regions: a scope must name one.
    var regions: [String]
    /// How far a request's time may be from the daemon's, as AWS allows.
    var maxSkew: TimeInterval = 15 * 60
    var now: @Sendable () -> Date = { Date() }

    /// The request's credential scope, or nil for an unsigned request (accepted only without credentials).
    func verify(_ request: SignableRequest, authorization: String?, amzDate: String?) throws(AuthFailure)
        -> CredentialScope?
    {
        guard let authorization else {
            if credentials != nil { throw .missing }
            return nil
        }
        let parsed = try SigV4Authorization(header: authorization)
        guard parsed.signedHeaders.contains("host") else { throw .malformed("SignedHeaders must include host.") }
        guard let amzDate, let time = Self.parse(amzDate: amzDate) else {
            throw .malformed("the request needs an X-Amz-Date header of the form 20261202T120000Z.")
        }
        return try check(
            scope: parsed.scope, amzDate: amzDate, time: time, signature: parsed.signature,
            canonical: CanonicalRequest.text(request, signedHeaders: parsed.signedHeaders))
    }

    /// The longest a presigned URL may live, as S3 allows: seven days.
    static let longestPresign = 604_800

    /// Verifies a presigned URL (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
    /// `X-Amz-SignedHeaders`, `X-Amz-Signature` in the query): its shape, its expiry (with or without
    /// credentials) and, with credentials, its signature over an unsigned payload.
    func verifyPresigned(_ request: SignableRequest, query: [String: String]) throws(AuthFailure) -> CredentialScope {
        guard query["X-Amz-Algorithm"] == SigV4Authorization.algorithm else {
            throw .malformed("X-Amz-Algorithm must be \(SigV4Authorization.algorithm).")
        }
        guard let credential = query["X-Amz-Credential"], let amzDate = query["X-Amz-Date"],
            let signed = query["X-Amz-SignedHeaders"], let signature = query["X-Amz-Signature"],
            let expiresText = query["X-Amz-Expires"]
        else {
            throw .malformed(
                "a presigned URL needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature."
            )
        }
        let scope = try CredentialScope(credential)
        guard let time = Self.parse(amzDate: amzDate) else {
            throw .malformed("X-Amz-Date '\(amzDate)' is not a time.")
        }
        guard let expires = Int(expiresText), (1...Self.longestPresign).contains(expires) else {
            throw .malformed("X-Amz-Expires must be from 1 to \(Self.longestPresign) seconds.")
        }
        let age = now().timeIntervalSince(time)
        guard age <= TimeInterval(expires) else {
            throw .expired("it was signed at \(amzDate) for \(expires) s.")
        }
        guard age >= -maxSkew else { throw .skewed("The presigned URL's time \(amzDate) is in the future.") }
        let names = signed.split(separator: ";").map(String.init)
        guard names.contains("host") else { throw .malformed("X-Amz-SignedHeaders must include host.") }
        var unsigned = request
        unsigned.payloadHash = "UNSIGNED-PAYLOAD"
        let canonical = CanonicalRequest.text(unsigned, signedHeaders: names, excludingQuery: "X-Amz-Signature")
        return try check(
            scope: scope, amzDate: amzDate, time: time, signature: signature, canonical: canonical, skewAllowed: true)
    }

    /// Checks a scope and signature whose canonical request the caller has built (a header's or a presigned
    /// URL's).
    func check(
        scope: CredentialScope, amzDate: String, time: Date, signature: String, canonical: String,
        skewAllowed: Bool = false
    ) throws(AuthFailure) -> CredentialScope {
        guard regions.contains(scope.region) else { throw .unknownRegion(scope.region, known: regions) }
        guard amzDate.hasPrefix(scope.date) else {
            throw .malformed("the credential's date \(scope.date) is not the request's (\(amzDate.prefix(8))).")
        }
        guard let credentials else { return scope }
        guard let secret = credentials.secrets[scope.accessKeyID] else { throw .unknownKey(scope.accessKeyID) }
        let offset = time.timeIntervalSince(now())
        guard skewAllowed || abs(offset) <= maxSkew else {
            throw .skewed(
                "The request's time \(amzDate) is \(Int(abs(offset))) s from the endpoint's; at most \(Int(maxSkew)) s is allowed."
            )
        }
        let expected = CanonicalRequest.signature(
            stringToSign: CanonicalRequest.stringToSign(canonicalRequest: canonical, amzDate: amzDate, scope: scope),
            key: CanonicalRequest.signingKey(secret: secret, scope: scope))
        guard Self.constantTimeEqual(expected, signature.lowercased()) else { throw .mismatch }
        return scope
    }

    /// The key that signs requests of `scope`, when the endpoint knows its secret (to check signed chunks).
    func signingKey(for scope: CredentialScope) -> SymmetricKey? {
        credentials?.secrets[scope.accessKeyID].map { CanonicalRequest.signingKey(secret: $0, scope: scope) }
    }

    /// `yyyyMMdd'T'HHmmss'Z'`.
    static func parse(amzDate: String) -> Date? {
        let digits = Array(amzDate.utf8)
        guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in digits[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let components = DateComponents(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }

    static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
