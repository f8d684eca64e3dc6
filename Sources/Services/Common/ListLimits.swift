import API

/// AWS's cap on the values one call may list: at most 200 values in a filter, and 200 ids in an id list
/// (`FilterLimitExceeded`). It also keeps every query far under SQLite's limit on bound variables.
enum ListLimits {
    static let maxValues = 200

    /// Throws `FilterLimitExceeded` when `count` values were given for `name`.
    static func require(_ count: Int, valuesOf name: String) throws(CloudError) {
        guard count <= maxValues else {
            throw CloudError(
                code: "FilterLimitExceeded",
                message:
                    "The maximum number of filter values specified on a single call is \(maxValues); \(name) has \(count). Split the request."
            )
        }
    }
}
