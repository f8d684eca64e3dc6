import API

/// `MaxResults`/`NextToken` pagination over results sorted by id: the token names the last id returned.
struct Page: Sendable {
    let limit: Int?
    let after: String?

    /// - Parameters:
    ///   - range: the `MaxResults` AWS accepts for the action.
    ///   - withIds: whether explicit ids were given, which AWS does not allow together with `MaxResults`.
    init(maxResults: Int?, nextToken: String?, range: ClosedRange<Int>, withIds: Bool = false) throws(CloudError) {
        if let maxResults {
            guard !withIds else {
                throw .invalidParameterCombination(
                    "The parameter MaxResults cannot be used with explicit resource IDs.")
            }
            guard range.contains(maxResults) else {
                throw .invalidParameterValue(
                    "Value (\(maxResults)) for parameter MaxResults is invalid. Expecting a value between \(range.lowerBound) and \(range.upperBound)."
                )
            }
        }
        if let nextToken {
            guard let decoded = Self.decode(nextToken) else {
                throw CloudError(code: "InvalidNextToken", message: "The token '\(nextToken)' is invalid.")
            }
            after = decoded
        } else {
            after = nil
        }
        limit = maxResults
    }

    /// The slice of `items` (sorted by `id`) this page holds, and the token for the next page if more remain.
    func apply<T>(_ items: [T], id: (T) -> String) -> (items: [T], nextToken: String?) {
        var remaining = items[...]
        if let after { remaining = remaining.drop { id($0) <= after } }
        guard let limit, remaining.count > limit else { return (Array(remaining), nil) }
        let page = Array(remaining.prefix(limit))
        return (page, Self.encode(id(page[page.count - 1])))
    }

    private static func encode(_ id: String) -> String {
        "p1." + id
    }

    private static func decode(_ token: String) -> String? {
        guard token.hasPrefix("p1."), token.count > 3, token.count < 200 else { return nil }
        return String(token.dropFirst(3))
    }
}

extension Sequence {
    /// The elements that satisfy `predicate`, and those that do not, each in order.
    func partitioned(_ predicate: (Element) -> Bool) -> (matching: [Element], rest: [Element]) {
        var matching: [Element] = []
        var rest: [Element] = []
        for element in self {
            if predicate(element) { matching.append(element) } else { rest.append(element) }
        }
        return (matching, rest)
    }
}
