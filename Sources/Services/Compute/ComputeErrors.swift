import API

/// The AWS errors of EC2 instance and image actions.
enum ComputeErrors {
    static func instanceNotFound(_ ids: [String]) -> CloudError {
        CloudError(
            code: "InvalidInstanceID.NotFound",
            message:
                "The instance ID\(ids.count == 1 ? "" : "s") '\(ids.joined(separator: ", "))' do\(ids.count == 1 ? "es" : "") not exist"
        )
    }

    static func malformedInstanceID(_ id: String) -> CloudError {
        CloudError(code: "InvalidInstanceID.Malformed", message: "Invalid id: \"\(id)\" (expecting \"i-...\")")
    }

    static func imageNotFound(_ id: String) -> CloudError {
        CloudError(code: "InvalidAMIID.NotFound", message: "The image id '[\(id)]' does not exist")
    }

    static func malformedImageID(_ id: String) -> CloudError {
        CloudError(code: "InvalidAMIID.Malformed", message: "Invalid id: \"\(id)\" (expecting \"ami-...\")")
    }

    static func incorrectState(_ id: String, _ state: String, action: String) -> CloudError {
        CloudError(
            code: "IncorrectInstanceState",
            message: "The instance '\(id)' is not in a state from which it can be \(action) (it is \(state)).")
    }

    static func insufficientCapacity(_ reason: String) -> CloudError {
        CloudError(
            code: "InsufficientInstanceCapacity",
            message: "We currently do not have sufficient capacity in the Availability Zone you requested (\(reason)).",
            status: 500)
    }
}
