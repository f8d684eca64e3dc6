/// `ec2.ModifyInstanceAttribute`: of a stopped instance, its type or its user data; of any instance, its
/// security groups (one attribute at a time, as AWS).
public struct ModifyInstanceAttributeRequest: Codable, Sendable {
    public var instanceId: String
    public var instanceType: AttributeValue?
    /// Base64, at most 16 KiB decoded.
    public var userData: AttributeValue?
    /// Group ids: the instance's groups from now on, in place of those it had.
    public var groups: [String]?

    public init(
        instanceId: String, instanceType: AttributeValue? = nil, userData: AttributeValue? = nil,
        groups: [String]? = nil
    ) {
        self.groups = groups
        self.instanceId = instanceId
        self.instanceType = instanceType
        self.userData = userData
    }
}

/// AWS's `{"Value": …}` wrapper of an attribute.
public struct AttributeValue: Codable, Sendable, Hashable {
    public var value: String

    public init(value: String) {
        self.value = value
    }
}
