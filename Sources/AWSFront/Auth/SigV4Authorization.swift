/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.
struct SigV4Authorization: Equatable {
    static let algorithm = "AWS4-HMAC-SHA256"

    var scope: CredentialScope
    /// Lowercase header names, in the order they were signed.
    var signedHeaders: [String]
    /// Lowercase hex.
    var signature: String

    init(scope: CredentialScope, signedHeaders: [String], signature: String) {
        self.scope = scope
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    init(header: String) throws(AuthFailure) {
        guard header.hasPrefix(Self.algorithm + " ") else {
            throw .malformed("it must start with \(Self.algorithm); only SigV4 is supported.")
        }
        var fields: [Substring: Substring] = [:]
        for part in header.dropFirst(Self.algorithm.count + 1).split(separator: ",") {
            let trimmed = part.trimmingSpaces
            guard let equals = trimmed.firstIndex(of: "=") else { throw .malformed("'\(trimmed)' is not name=value.") }
            fields[trimmed[..<equals]] = trimmed[trimmed.index(after: equals)...]
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else { throw .malformed("it needs Credential, SignedHeaders and Signature.") }
        let scope = try CredentialScope(credential)
        let names = signed.split(separator: ";").map { String($0) }
        guard !names.isEmpty, names.allSatisfy({ $0 == $0.lowercased() }) else {
            throw .malformed("SignedHeaders must be lowercase names separated by ';'.")
        }
        self.init(scope: scope, signedHeaders: names, signature: String(signature))
    }
}

/// `<access key id>/<yyyymmdd>/<region>/<service>/aws4_request`.
struct CredentialScope: Equatable, Sendable {
    var accessKeyID: String
    var date: String
    var region: String
    var service: String

    init(accessKeyID: String, date: String, region: String, service: String) {
        self.accessKeyID = accessKeyID
        self.date = date
        self.region = region
        self.service = service
    }

    init(_ credential: some StringProtocol) throws(AuthFailure) {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty, !parts[2].isEmpty,
            !parts[3].isEmpty, parts[1].count == 8, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber)
        else {
            throw .malformed(
                "Credential must be <access key id>/<yyyymmdd>/<region>/<service>/aws4_request; it is '\(credential)'.")
        }
        self.init(
            accessKeyID: String(parts[0]), date: String(parts[1]), region: String(parts[2]), service: String(parts[3]))
    }

    /// The scope as the string to sign names it (without the key id).
    var signingScope: String { "\(date)/\(region)/\(service)/aws4_request" }
}

extension StringProtocol {
    var trimmingSpaces: SubSequence {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
