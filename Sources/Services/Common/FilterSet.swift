import API

/// Validated AWS filters: every name must be one the action supports, and values may use `*` and `?`.
struct FilterSet: Sendable {
    private let filters: [Filter]

    /// - Parameter supported: the filter names the action knows; `tag:` filters are allowed when
    ///   `allowsTags`.
    init(_ filters: [Filter]?, supported: Set<String>, allowsTags: Bool = false) throws(CloudError) {
        for filter in filters ?? [] {
            let isTag = allowsTags && filter.name.hasPrefix("tag:") && filter.name.count > 4
            guard supported.contains(filter.name) || isTag else {
                let names = supported.sorted().joined(separator: ", ") + (allowsTags ? ", tag:<key>" : "")
                throw .invalidParameterValue("The filter '\(filter.name)' is invalid. Supported filters: \(names).")
            }
            guard !filter.values.isEmpty else {
                throw .invalidParameterValue("The filter '\(filter.name)' must have at least one value.")
            }
            try ListLimits.require(filter.values.count, valuesOf: "the filter '\(filter.name)'")
        }
        self.filters = filters ?? []
    }

    /// Whether a resource passes every filter; `attribute` gives the resource's values for a filter name
    /// (several values for attributes like `tag-key`), nil when it has none.
    func matches(_ attribute: (String) -> [String]?) -> Bool {
        filters.allSatisfy { filter in
            guard let values = attribute(filter.name) else { return false }
            return values.contains { value in filter.values.contains { Wildcard.matches(value, pattern: $0) } }
        }
    }

    /// The values of the tag filters, `tag-key` and `tag:KEY`, for a resource with `tags`; nil for any
    /// other name.
    static func tagAttribute(_ name: String, of tags: [Tag]) -> [String]? {
        if name == "tag-key" { return tags.map(\.key) }
        guard name.hasPrefix("tag:") else { return nil }
        let key = String(name.dropFirst(4))
        return tags.first { $0.key == key }.map { [$0.value] }
    }
}

/// AWS filter wildcards: `*` matches any run of characters, `?` exactly one, `\` escapes either.
enum Wildcard {
    static func matches(_ text: String, pattern: String) -> Bool {
        if !pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "\\" }) { return text == pattern }
        return match(Array(text), 0, Array(pattern), 0)
    }

    private static func match(_ text: [Character], _ t: Int, _ pattern: [Character], _ p: Int) -> Bool {
        var t = t
        var p = p
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "\\", p + 1 < pattern.count, pattern[p + 1] == text[t] {
                t += 1
                p += 2
            } else if p < pattern.count,
                pattern[p] == "?" || (pattern[p] == text[t] && pattern[p] != "*" && pattern[p] != "\\")
            {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
