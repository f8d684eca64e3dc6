import API

/// The AWS errors of EBS snapshot actions.
enum SnapshotErrors {
    static func notFound(_ id: String) -> CloudError {
        CloudError(code: "InvalidSnapshot.NotFound", message: "The snapshot '\(id)' does not exist.")
    }

    static func malformed(_ id: String) -> CloudError {
        CloudError(code: "InvalidSnapshotID.Malformed", message: "Invalid id: \"\(id)\" (expecting \"snap-...\")")
    }

    static func inUse(_ id: String, by user: String) -> CloudError {
        CloudError(
            code: "InvalidSnapshot.InUse",
            message: "The snapshot \(id) is in use by \(user); delete it once that is done.")
    }

    static func requireWellFormed(_ id: String) throws(CloudError) {
        guard ResourceID.isWellFormed(id, prefix: "snap") else { throw malformed(id) }
    }
}
