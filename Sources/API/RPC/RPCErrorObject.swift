/// The `error` member of a JSON-RPC 2.0 response.
///
/// Protocol faults use the codes of the JSON-RPC specification. Domain faults (`CloudError`) use the
/// application range 1000–1999: `1000 + the HTTP status AWS would answer with` (so 1400 for a client fault,
/// 1500 for an internal one), and always carry the AWS error code in `data.code`.
public struct RPCErrorObject: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var message: String
    /// The AWS error code (`error.data.code` on the wire), when there is one.
    public var awsCode: String?

    public init(code: Int, message: String, awsCode: String? = nil) {
        self.code = code
        self.message = message
        self.awsCode = awsCode
    }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    /// The first code of the application range used for `CloudError`s.
    public static let cloudErrorBase = 1000

    public static func parseError(_ message: String) -> RPCErrorObject {
        RPCErrorObject(code: parseErrorCode, message: message, awsCode: "MalformedQueryString")
    }

    public static func invalidRequest(_ message: String) -> RPCErrorObject {
        RPCErrorObject(code: invalidRequestCode, message: message, awsCode: "InvalidRequest")
    }

    public static func methodNotFound(_ method: String) -> RPCErrorObject {
        RPCErrorObject(
            code: methodNotFoundCode,
            message: "Unknown method '\(method)'. Methods are named service.Action, e.g. ec2.DescribeVolumes.",
            awsCode: "InvalidAction"
        )
    }

    public static func invalidParams(_ error: CloudError) -> RPCErrorObject {
        RPCErrorObject(code: invalidParamsCode, message: error.message, awsCode: error.code)
    }

    /// Maps a domain fault into the application code range; a missing or mistyped parameter is a
    /// JSON-RPC invalid-params fault whether the decoder or the service found it.
    public init(_ error: CloudError) {
        let isParameterFault = ["MissingParameter", "InvalidParameterType", "UnknownParameter"].contains(error.code)
        self.init(
            code: isParameterFault ? Self.invalidParamsCode : Self.cloudErrorBase + error.status,
            message: error.message,
            awsCode: error.code)
    }

    /// The domain fault this error carries, if it carries an AWS code.
    public var cloudError: CloudError? {
        guard let awsCode else { return nil }
        let status = code >= Self.cloudErrorBase && code < Self.cloudErrorBase + 1000 ? code - Self.cloudErrorBase : 400
        return CloudError(code: awsCode, message: message, status: status)
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = ["code": .int(code), "message": .string(message)]
        if let awsCode { members["data"] = ["code": .string(awsCode)] }
        return .object(members)
    }

    public init?(json: JSONValue) {
        guard let code = json["code"]?.intValue, let message = json["message"]?.stringValue else { return nil }
        self.init(code: code, message: message, awsCode: json["data"]?["code"]?.stringValue)
    }

    public var description: String {
        if let awsCode { return "\(awsCode): \(message)" }
        return "JSON-RPC error \(code): \(message)"
    }
}
