import Foundation
import Services

/// The instance metadata service's answers, as AWS's IMDS gives them: `GET`/`HEAD` of categories under
/// `/latest/`, IMDSv2's `PUT /latest/api/token`, and IMDSv1 (no token) allowed, as `HttpTokens=optional`.
struct MetadataResponder: Sendable {
    let tokens = MetadataTokens()

    struct Request: Sendable {
        var method: String
        var path: String
        /// Header names in lower case.
        var headers: [String: String]
    }

    struct Response: Sendable, Equatable {
        var status: Int
        var headers: [(String, String)] = []
        var body: [UInt8]

        static func == (lhs: Response, rhs: Response) -> Bool {
            lhs.status == rhs.status && lhs.body == rhs.body
                && lhs.headers.map { [$0.0, $0.1] } == rhs.headers.map { [$0.0, $0.1] }
        }

        static func error(_ status: Int, _ title: String) -> Response {
            // AWS's IMDS answers errors with a small HTML page.
            let page = """
                <?xml version="1.0" encoding="iso-8859-1"?>
                <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
                \t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
                <html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
                 <head>
                  <title>\(status) - \(title)</title>
                 </head>
                 <body>
                  <h1>\(status) - \(title)</h1>
                 </body>
                </html>

                """
            return Response(status: status, headers: [("Content-Type", "text/html")], body: Array(page.utf8))
        }
    }

    static let tokenHeader = "x-aws-ec2-metadata-token"
    static let ttlHeader = "x-aws-ec2-metadata-token-ttl-seconds"

    /// The answer to `request` from `caller` (nil: the source is no instance of this region).
    func respond(_ request: Request, caller: InstanceMetadata?, now: Date = Date()) -> Response {
        guard let caller else { return .error(404, "Not Found") }
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        if path == "/latest/api/token" {
            guard request.method == "PUT" else { return .error(405, "Method Not Allowed") }
            // A request that came through a proxy is refused, as AWS does: a token must not leave the guest.
            guard request.headers["x-forwarded-for"] == nil else { return .error(403, "Forbidden") }
            guard let ttl = request.headers[Self.ttlHeader].flatMap({ Int($0) }), MetadataTokens.ttlRange.contains(ttl)
            else { return .error(400, "Bad Request") }
            return Response(
                status: 200,
                headers: [("Content-Type", "text/plain"), ("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", "\(ttl)")],
                body: Array(tokens.issue(instanceId: caller.instanceId, ttl: ttl, now: now).utf8))
        }
        guard request.method == "GET" || request.method == "HEAD" else { return .error(405, "Method Not Allowed") }
        if let token = request.headers[Self.tokenHeader],
            !tokens.isValid(token, instanceId: caller.instanceId, now: now)
        {
            return .error(401, "Unauthorized")
        }
        let components = path.split(separator: "/").map(String.init)
        let root: MetadataNode = .directory([(name: "latest", node: .latest(caller))])
        guard let node = root.find(components[...]) else { return .error(404, "Not Found") }
        let body = components.isEmpty ? Array("latest".utf8) : node.body
        let type = components.last == "document" ? "application/json" : "text/plain"
        return Response(status: 200, headers: [("Content-Type", type)], body: request.method == "HEAD" ? [] : body)
    }
}
