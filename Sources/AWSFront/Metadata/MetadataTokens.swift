import Crypto
import Foundation

/// IMDSv2 session tokens: `PUT /latest/api/token` issues one for the calling instance with a lifetime of 1 s
/// to 6 h; a GET that carries one must carry a valid one. A token is the instance, its expiry and an HMAC
/// under a key the daemon draws at start, so a token is good only for the instance it was issued to, and a
/// restarted daemon's tokens are new ones (as AWS's are lost when an instance stops).
struct MetadataTokens: Sendable {
    /// 256 bits from the system's secure generator (getrandom on Linux).
    private let key: [UInt8] = (0..<32).map { _ in UInt8.random(in: .min ... .max) }

    static let ttlRange = 1...21_600

    func issue(instanceId: String, ttl: Int, now: Date = Date()) -> String {
        let payload = "\(instanceId):\(Int(now.timeIntervalSince1970) + ttl)"
        return Data(payload.utf8).base64EncodedString() + "." + signature(payload)
    }

    func isValid(_ token: String, instanceId: String, now: Date = Date()) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let data = Data(base64Encoded: String(parts[0])),
            let payload = String(data: data, encoding: .utf8)
        else { return false }
        let fields = payload.split(separator: ":")
        guard fields.count == 2, fields[0] == instanceId, let expiry = Int(fields[1]),
            expiry > Int(now.timeIntervalSince1970)
        else { return false }
        let expected = signature(payload)
        // Constant time: the comparison does not say how much of a forged signature was right.
        return expected.utf8.count == parts[1].utf8.count
            && zip(expected.utf8, parts[1].utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func signature(_ payload: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: key)))
            .base64EncodedString()
    }
}
