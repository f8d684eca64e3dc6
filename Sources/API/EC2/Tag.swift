/// A resource tag.
public struct Tag: Codable, Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Tags to apply to a resource at creation (`TagSpecifications` of a create action).
public struct TagSpecification: Codable, Sendable, Hashable {
    public var resourceType: String?
    public var tags: [Tag]

    public init(resourceType: String?, tags: [Tag]) {
        self.resourceType = resourceType
        self.tags = tags
    }
}
