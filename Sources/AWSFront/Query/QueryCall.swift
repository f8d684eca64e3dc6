import API
import Services

extension QueryCoding {
    /// One action of a query protocol: its parameters decoded by the model, the service's method called
    /// (by `invoke`, which sets the request's scope), and its result written as the members' XML; nil when
    /// the action answers nothing. `DryRun=true` is `DryRunOperation` without calling the method, as in EC2.
    func call(
        _ operation: QueryModel.Operation, parameters: [String: String],
        invoke: (JSONValue) async -> Result<RequestProcessor.Invocation, RPCErrorObject>
    ) async -> Result<String?, CloudError> {
        var members = parameters
        for name in ["Action", "Version"] { members[name] = nil }
        var params: [String: JSONValue] = [:]
        if let input = operation.input {
            do throws(CloudError) {
                guard case .object(let object) = try decode(members, shape: input) else {
                    return .failure(.internalError("\(input) is not a structure"))
                }
                params = object
            } catch {
                return .failure(error)
            }
        } else if let name = members.keys.sorted().first {
            return .failure(CloudError(code: "UnknownParameter", message: "The parameter \(name) is not recognized."))
        }
        if params.removeValue(forKey: "DryRun") == .bool(true) {
            return .failure(
                CloudError(
                    code: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.",
                    status: 412))
        }
        switch await invoke(.object(params)) {
        case .success(let invocation):
            guard let output = operation.output else { return .success(nil) }
            guard let result = try? JSONParser.parse(invocation.json) else {
                return .failure(.internalError("the result of the action is not JSON"))
            }
            var text = ""
            encode(result, shape: output, into: &text)
            return .success(text)
        case .failure(let failure):
            return .failure(FrontReply.cloudError(failure))
        }
    }
}
