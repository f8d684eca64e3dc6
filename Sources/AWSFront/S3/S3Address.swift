/// What an S3 REST request names: a bucket and key, path-style (`/bucket/key`) or virtual-hosted
/// (`bucket.localhost:4566/key`), and its query parameters, decoded.
struct S3Address: Equatable {
    var bucket: String?
    var key: String?
    /// A parameter without `=` (`?uploads`, `?versioning`) maps to "".
    var query: [String: String]

    /// Nil when the path or query holds a malformed escape.
    init?(rawPath: String, rawQuery: String?, host: String?) {
        var query: [String: String] = [:]
        for item in (rawQuery ?? "").split(separator: "&") {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = URIEncoding.decode(parts[0], plusIsSpace: true),
                let value = parts.count > 1 ? URIEncoding.decode(parts[1], plusIsSpace: true) : ""
            else { return nil }
            query[name] = value
        }
        self.query = query
        guard let path = URIEncoding.decode(rawPath.hasPrefix("/") ? rawPath.dropFirst() : rawPath[...]) else {
            return nil
        }
        if let bucket = host.flatMap(Self.virtualHostedBucket) {
            self.bucket = bucket
            key = path.isEmpty ? nil : path
        } else {
            let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            bucket = parts.first.flatMap { $0.isEmpty ? nil : String($0) }
            key = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
        }
    }

    /// The bucket a `Host` names: `<bucket>.localhost[:port]` (what SDKs build from an endpoint of
    /// `http://localhost:PORT` in virtual-hosted style), or `<bucket>.s3[.region].amazonaws.com`.
    static func virtualHostedBucket(_ host: String) -> String? {
        var name = host
        if !name.hasPrefix("["), let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        name = name.lowercased()
        if name.hasSuffix(".localhost") {
            let bucket = name.dropLast(".localhost".count)
            return bucket.isEmpty ? nil : String(bucket.hasSuffix(".s3") ? bucket.dropLast(3) : bucket)
        }
        if name.hasSuffix(".amazonaws.com"), let s3 = name.range(of: ".s3.") ?? name.range(of: ".s3-") {
            let bucket = name[..<s3.lowerBound]
            return bucket.isEmpty ? nil : String(bucket)
        }
        return nil
    }
}
