import API

/// The AWS errors of EBS volume actions.
enum VolumeErrors {
    static func notFound(_ id: String) -> CloudError {
        CloudError(code: "InvalidVolume.NotFound", message: "The volume '\(id)' does not exist.")
    }

    static func malformed(_ id: String) -> CloudError {
        CloudError(code: "InvalidVolumeID.Malformed", message: "Invalid id: \"\(id)\" (expecting \"vol-...\")")
    }

    static func inUse(_ id: String) -> CloudError {
        CloudError(code: "VolumeInUse", message: "Volume \(id) is currently attached to an instance; detach it first.")
    }

    static func incorrectState(_ id: String, state: String, action: String) -> CloudError {
        .incorrectState("The volume '\(id)' is '\(state)' and cannot be \(action) now.")
    }

    static func requireWellFormed(_ id: String) throws(CloudError) {
        guard ResourceID.isWellFormed(id, prefix: "vol") else { throw malformed(id) }
    }

    /// The `VolumeIds` of a request: nil when none were given (an empty list selects everything too), each
    /// checked for shape.
    static func explicitIds(_ ids: [String]?) throws(CloudError) -> [String]? {
        guard let ids, !ids.isEmpty else { return nil }
        try ListLimits.require(ids.count, valuesOf: "VolumeIds")
        for id in ids { try requireWellFormed(id) }
        return ids
    }

    /// Throws `InvalidVolume.NotFound` for the first requested id that is not among `found`.
    static func requireFound(_ ids: [String]?, in found: Set<String>) throws(CloudError) {
        if let missing = ids?.first(where: { !found.contains($0) }) { throw notFound(missing) }
    }
}
