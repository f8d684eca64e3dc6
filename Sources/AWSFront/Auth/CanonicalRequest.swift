import Crypto

/// What SigV4 signs of a request: its method, path, query, the headers it names and the payload's hash.
struct SignableRequest {
    var method: String
    /// The path as sent, still percent-encoded.
    var rawPath: String
    /// The query as sent (without `?`), still percent-encoded.
    var rawQuery: String?
    /// A header's values by lowercase name, joined with commas; `host` included.
    var header: (String) -> String?
    /// The hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` and its kin as the client declared.
    var payloadHash: String
    /// S3 signs the path as sent; every other service signs it encoded once more.
    var isS3: Bool
    /// The `x-amz-*` headers, by lowercase name, sorted (what S3's version 2 signatures sign).
    var amzHeaders: [(name: String, value: String)] = []
}

/// SigV4's canonical request and string to sign, as the AWS signing documentation defines them.
enum CanonicalRequest {
    static func text(_ request: SignableRequest, signedHeaders: [String], excludingQuery excluded: String? = nil)
        -> String
    {
        let path = request.rawPath.isEmpty ? "/" : request.rawPath
        let headers = signedHeaders.map { name in
            "\(name):\(normalized(request.header(name) ?? ""))\n"
        }
        return [
            request.method,
            request.isS3 ? path : URIEncoding.encode(path, keepingSlashes: true),
            query(request.rawQuery, excluding: excluded),
            headers.joined(),
            signedHeaders.joined(separator: ";"),
            request.payloadHash,
        ].joined(separator: "\n")
    }

    /// The query's pairs, decoded and encoded again SigV4's way, sorted by name then value.
    static func query(_ raw: String?, excluding excluded: String? = nil) -> String {
        guard let raw, !raw.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in raw.split(separator: "&") {
            let name: Substring
            let value: Substring
            if let equals = item.firstIndex(of: "=") {
                name = item[..<equals]
                value = item[item.index(after: equals)...]
            } else {
                name = item
                value = ""
            }
            let decodedName = URIEncoding.decode(name) ?? String(name)
            if decodedName == excluded { continue }
            pairs.append(
                (URIEncoding.encode(decodedName), URIEncoding.encode(URIEncoding.decode(value) ?? String(value))))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func stringToSign(canonicalRequest: String, amzDate: String, scope: CredentialScope) -> String {
        [
            SigV4Authorization.algorithm, amzDate, scope.signingScope,
            hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ]
        .joined(separator: "\n")
    }

    /// HMAC-SHA256 down the scope: date, region, service, `aws4_request`.
    static func signingKey(secret: String, scope: CredentialScope) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [scope.date, scope.region, scope.service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    static func signature(stringToSign: String, key: SymmetricKey) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Trims a header value and folds runs of spaces into one, as SigV4 asks.
    private static func normalized(_ value: String) -> String {
        var result = ""
        var lastWasSpace = false
        for character in value.trimmingSpaces {
            if character == " " || character == "\t" {
                if !lastWasSpace { result.append(" ") }
                lastWasSpace = true
            } else {
                result.append(character)
                lastWasSpace = false
            }
        }
        return result
    }
}
