/// The parameters of a query-protocol request: its URL's query and, for a POST, its form-encoded body
/// (`Action=DescribeVolumes&VolumeId.1=vol-…`), decoded; nil when an escape is malformed.
enum FormParameters {
    static func parse(query: String?, body: [UInt8]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for source in [query ?? "", String(decoding: body, as: UTF8.self)] {
            for item in source.split(separator: "&") where !item.isEmpty {
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = URIEncoding.decode(parts[0], plusIsSpace: true),
                    let value = parts.count > 1 ? URIEncoding.decode(parts[1], plusIsSpace: true) : ""
                else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }
}
