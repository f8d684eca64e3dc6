import API

/// The AWS errors of security group actions.
enum SecurityGroupErrors {
    static func notFound(_ group: String) -> CloudError {
        CloudError(code: "InvalidGroup.NotFound", message: "The security group '\(group)' does not exist")
    }

    static func nameNotFound(_ name: String, vpc: String) -> CloudError {
        CloudError(
            code: "InvalidGroup.NotFound",
            message: "The security group '\(name)' does not exist in default VPC '\(vpc)'")
    }

    static func malformed(_ id: String) -> CloudError {
        CloudError(code: "InvalidGroupId.Malformed", message: "Invalid id: \"\(id)\" (expecting \"sg-...\")")
    }

    static func duplicate(_ name: String, vpc: String) -> CloudError {
        CloudError(
            code: "InvalidGroup.Duplicate", message: "The security group '\(name)' already exists for VPC '\(vpc)'")
    }

    static func permissionDuplicate(_ rule: String) -> CloudError {
        CloudError(
            code: "InvalidPermission.Duplicate", message: "the specified rule \"\(rule)\" already exists")
    }

    static let permissionNotFound = CloudError(
        code: "InvalidPermission.NotFound",
        message: "The specified rule does not exist in this security group.")

    static func ruleNotFound(_ ids: [String]) -> CloudError {
        CloudError(
            code: "InvalidSecurityGroupRuleId.NotFound",
            message: "The security group rule ID '\(ids.joined(separator: ", "))' does not exist")
    }

    static func inUse(_ id: String, by what: String) -> CloudError {
        CloudError(code: "DependencyViolation", message: "resource \(id) has a dependent object (\(what))")
    }

    static func cannotDeleteDefault(_ id: String) -> CloudError {
        CloudError(
            code: "CannotDelete",
            message: "the specified group: \"\(id)\" name: \"default\" cannot be deleted by a user")
    }
}
