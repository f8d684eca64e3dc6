/// One JSON-RPC 2.0 request (or notification, when `id` is nil) as read off the wire.
public struct RPCRequest: Sendable {
    public var id: RPCID?
    public var method: String
    public var params: JSONValue?

    public init(id: RPCID?, method: String, params: JSONValue?) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// Validates the envelope of one request object.
    ///
    /// - Returns: the request, or the error to answer with and the id to answer it under (`nil` when the
    ///   id itself was unusable).
    public static func validate(_ value: JSONValue) -> Result<RPCRequest, RejectedRequest> {
        guard case .object(let members) = value else {
            return .failure(RejectedRequest(id: nil, error: .invalidRequest("A request must be a JSON object.")))
        }
        var id: RPCID?
        if let rawID = members["id"], rawID != .null {
            guard let parsed = RPCID(rawID) else {
                return .failure(
                    RejectedRequest(id: nil, error: .invalidRequest("The request id must be a string or an integer."))
                )
            }
            id = parsed
        }
        guard members["jsonrpc"] == .string("2.0") else {
            return .failure(RejectedRequest(id: id, error: .invalidRequest("The member \"jsonrpc\" must be \"2.0\".")))
        }
        guard let method = members["method"]?.stringValue, !method.isEmpty else {
            return .failure(
                RejectedRequest(id: id, error: .invalidRequest("The member \"method\" must be a non-empty string."))
            )
        }
        let params = members["params"]
        if let params, params != .null, case .object = params {
        } else if let params, params != .null {
            return .failure(
                RejectedRequest(id: id, error: .invalidRequest("\"params\" must be an object of named parameters."))
            )
        }
        return .success(RPCRequest(id: id, method: method, params: params == .null ? nil : params))
    }

    /// A request that could not be accepted, with the id to answer under.
    public struct RejectedRequest: Error, Sendable {
        public var id: RPCID?
        public var error: RPCErrorObject
    }
}
