import API

/// AWS's limits on tags (Amazon EC2 User Guide, "Tag restrictions").
enum TagRules {
    static let maxTagsPerResource = 50
    static let maxKeyLength = 128
    static let maxValueLength = 256

    /// The tags of a create action's `TagSpecifications`, each of which must name `resourceType` (or none,
    /// when `allowsUntyped`), checked.
    static func tags(
        of specifications: [TagSpecification]?, for resourceType: String, allowsUntyped: Bool = true
    ) throws(CloudError) -> [Tag] {
        var tags: [Tag] = []
        for specification in specifications ?? [] {
            guard specification.resourceType == resourceType || (allowsUntyped && specification.resourceType == nil)
            else {
                throw .invalidParameterValue(
                    "'\(specification.resourceType ?? "")' is not a valid taggable resource type for this operation; use '\(resourceType)'."
                )
            }
            tags += specification.tags
        }
        try validate(tags)
        return tags
    }

    /// The tags of a create action that tags two kinds of resources (`TagSpecifications` naming `first` or
    /// `second`), checked.
    static func tags(of specifications: [TagSpecification]?, for first: String, and second: String)
        throws(CloudError) -> ([Tag], [Tag])
    {
        var tags: ([Tag], [Tag]) = ([], [])
        for specification in specifications ?? [] {
            switch specification.resourceType {
            case first: tags.0 += specification.tags
            case second: tags.1 += specification.tags
            default:
                throw .invalidParameterValue(
                    "'\(specification.resourceType ?? "")' is not a valid taggable resource type for this operation; use '\(first)' or '\(second)'."
                )
            }
        }
        try validate(tags.0)
        try validate(tags.1)
        return tags
    }

    /// Checks a set of tags to apply to one resource.
    static func validate(_ tags: [Tag]) throws(CloudError) {
        guard tags.count <= maxTagsPerResource else {
            throw CloudError(
                code: "TagLimitExceeded",
                message: "The request has \(tags.count) tags; a resource can have at most \(maxTagsPerResource)."
            )
        }
        var keys = Set<String>()
        for tag in tags {
            try validate(key: tag.key)
            guard tag.value.count <= maxValueLength else {
                throw .invalidParameterValue(
                    "Tag value for key '\(tag.key.prefix(40))' is \(tag.value.count) characters; the maximum is \(maxValueLength)."
                )
            }
            guard keys.insert(tag.key).inserted else {
                throw .invalidParameterValue("Duplicate tag key '\(tag.key)' in one request.")
            }
        }
    }

    static func validate(key: String) throws(CloudError) {
        guard !key.isEmpty, key.count <= maxKeyLength else {
            throw .invalidParameterValue(
                "Tag key '\(key.prefix(40))' must be 1 to \(maxKeyLength) characters; it has \(key.count)."
            )
        }
        guard !key.lowercased().hasPrefix("aws:") else {
            throw .invalidParameterValue("Tag keys starting with 'aws:' are reserved for AWS use.")
        }
    }
}
