/// An AWS `Filter`: the resource matches when its attribute `name` equals any of `values`.
/// Values may use `*` (any run of characters) and `?` (one character), as in AWS.
public struct Filter: Codable, Sendable, Hashable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}
