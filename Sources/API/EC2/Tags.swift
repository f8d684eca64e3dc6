/// `ec2.CreateTags`: add or overwrite tags on resources.
public struct CreateTagsRequest: Codable, Sendable {
    public var resources: [String]
    public var tags: [Tag]

    public init(resources: [String], tags: [Tag]) {
        self.resources = resources
        self.tags = tags
    }
}

/// `ec2.DeleteTags`: remove tags; a tag with a value is removed only if its value matches, and no tags at
/// all removes every tag of the resources.
public struct DeleteTagsRequest: Codable, Sendable {
    public struct TagKey: Codable, Sendable, Hashable {
        public var key: String
        public var value: String?

        public init(key: String, value: String? = nil) {
            self.key = key
            self.value = value
        }
    }

    public var resources: [String]
    public var tags: [TagKey]?

    public init(resources: [String], tags: [TagKey]? = nil) {
        self.resources = resources
        self.tags = tags
    }
}

/// `ec2.DescribeTags`, filtered by `key`, `value`, `resource-id`, `resource-type`.
public struct DescribeTagsRequest: Codable, Sendable {
    public var filters: [Filter]?
    public var maxResults: Int?
    public var nextToken: String?

    public init(filters: [Filter]? = nil, maxResults: Int? = nil, nextToken: String? = nil) {
        self.filters = filters
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct TagDescription: Codable, Sendable, Hashable {
    public var key: String
    public var value: String
    public var resourceId: String
    public var resourceType: String

    public init(key: String, value: String, resourceId: String, resourceType: String) {
        self.key = key
        self.value = value
        self.resourceId = resourceId
        self.resourceType = resourceType
    }
}

public struct DescribeTagsResult: Codable, Sendable {
    public var tags: [TagDescription]
    public var nextToken: String?

    public init(tags: [TagDescription], nextToken: String?) {
        self.tags = tags
        self.nextToken = nextToken
    }
}
