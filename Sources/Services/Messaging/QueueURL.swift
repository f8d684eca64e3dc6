import API

/// Queue URLs in AWS's form, `https://sqs.<region>.amazonaws.com/<account>/<name>`, and ARNs to match, so
/// an AWS-protocol HTTP front can hand out the same names.
struct QueueURL: Sendable, Hashable {
    var region: String
    var account: String
    var name: String

    /// The URL as the request's caller reaches the queue: at its endpoint when it came over HTTP.
    var string: String {
        if let base = RequestScope.queueURLBase { return "\(base)/\(account)/\(name)" }
        return "https://sqs.\(region).amazonaws.com/\(account)/\(name)"
    }
    var arn: String { "arn:aws:sqs:\(region):\(account):\(name)" }

    /// Parses a queue URL: AWS's form, or any `scheme://host[:port]/<account>/<name>` (the region then being
    /// `defaultRegion`), as SDKs pointed at a local endpoint build them.
    init(parsing url: String, defaultRegion: String) throws(CloudError) {
        guard let scheme = url.range(of: "://") else { throw SQSErrors.nonExistentQueue(url) }
        let rest = url[scheme.upperBound...]
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty else { throw SQSErrors.nonExistentQueue(url) }
        let host = parts[0]
        var region = defaultRegion
        if host.hasPrefix("sqs."), host.hasSuffix(".amazonaws.com") {
            region = String(host.dropFirst(4).dropLast(".amazonaws.com".count))
        }
        self.init(region: region, account: String(parts[1]), name: String(parts[2]))
    }

    /// Parses `arn:aws:sqs:<region>:<account>:<name>`.
    init?(arn: String) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sqs", !parts[3].isEmpty, !parts[5].isEmpty else {
            return nil
        }
        self.init(region: String(parts[3]), account: String(parts[4]), name: String(parts[5]))
    }

    init(region: String, account: String, name: String) {
        self.region = region
        self.account = account
        self.name = name
    }
}
