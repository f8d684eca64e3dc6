/// A fault of the cloud itself, as AWS would report it: an error code string (`InvalidVolume.NotFound`),
/// a message a person can act on, and the HTTP status AWS would have answered with.
///
/// Services throw these; the API layer maps them to a JSON-RPC error once (`RPCErrorObject(_:)`).
public struct CloudError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The AWS error code, e.g. `InvalidParameterValue`.
    public var code: String
    /// What went wrong and what to do about it.
    public var message: String
    /// The HTTP status AWS uses for this code: 400 for client faults, 500/503 for server faults.
    public var status: Int

    public init(code: String, message: String, status: Int = 400) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { "\(code): \(message)" }
}

extension CloudError {
    public static func invalidParameterValue(_ message: String) -> CloudError {
        CloudError(code: "InvalidParameterValue", message: message)
    }

    /// VM Import's code for a request it cannot act on (a format, an S3 object).
    public static func invalidParameter(_ message: String) -> CloudError {
        CloudError(code: "InvalidParameter", message: message)
    }

    public static func invalidParameterCombination(_ message: String) -> CloudError {
        CloudError(code: "InvalidParameterCombination", message: message)
    }

    public static func missingParameter(_ name: String) -> CloudError {
        CloudError(code: "MissingParameter", message: "The request must contain the parameter \(name).")
    }

    public static func invalidParameterType(_ message: String) -> CloudError {
        CloudError(code: "InvalidParameterType", message: message)
    }

    public static func incorrectState(_ message: String) -> CloudError {
        CloudError(code: "IncorrectState", message: message)
    }

    public static func invalidID(_ id: String, kind: String) -> CloudError {
        CloudError(code: "InvalidID", message: "The ID '\(id)' is not a valid \(kind) ID.")
    }

    public static func internalError(_ message: String) -> CloudError {
        CloudError(code: "InternalError", message: message, status: 500)
    }
}
