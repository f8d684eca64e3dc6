import API

/// The part of a service's model that a query protocol needs (`QueryModel+EC2.swift`, `QueryModel+SQS.swift`,
/// generated from botocore's models by `scripts/generate-query-models.py`): which shape each action takes and
/// answers, and each shape's members with their wire names. The protocol's encoding follows from it, so no
/// action needs code of its own.
struct QueryModel: Sendable {
    /// A member of a structure, a list's item, or a map's key or value: its shape and wire traits, the
    /// reference's over the shape's, as botocore resolves them.
    struct Reference: Sendable {
        var name: String
        var shape: String
        var locationName: String?
        var queryName: String?
        var flattened: Bool
    }

    enum Shape: Sendable {
        case structure([Reference])
        case list(Reference, flattened: Bool)
        case map(key: Reference, value: Reference, flattened: Bool)
        case scalar(String)
    }

    struct Operation: Sendable {
        var input: String?
        var output: String?
        /// The element the result's members are in (`<SendMessageResult>`); EC2 has none.
        var resultWrapper: String?
    }

    let version: String
    /// The XML namespace of responses (`http://queue.amazonaws.com/doc/2012-11-05/`).
    let namespace: String
    let operations: [String: Operation]
    let shapes: [String: Shape]

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// EC2's model, read once.
    static let ec2: Result<QueryModel, Invalid> = Result { () throws(Invalid) in try QueryModel(json: ec2JSON) }
    /// SQS's query model, read once.
    static let sqs: Result<QueryModel, Invalid> = Result { () throws(Invalid) in try QueryModel(json: sqsJSON) }

    init(json text: String) throws(Invalid) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(Array(text.utf8), maxDepth: 16)
        } catch {
            throw Invalid(description: "the model is not JSON: \(error.message)")
        }
        guard case .object(let operations)? = root["operations"], case .object(let shapes)? = root["shapes"],
            let version = root["version"]?.stringValue, let namespace = root["namespace"]?.stringValue
        else { throw Invalid(description: "the model lacks operations, shapes, version or namespace") }
        self.version = version
        self.namespace = namespace
        self.operations = operations.mapValues {
            Operation(
                input: $0["input"]?.stringValue, output: $0["output"]?.stringValue,
                resultWrapper: $0["resultWrapper"]?.stringValue)
        }
        var parsed: [String: Shape] = [:]
        for (name, shape) in shapes {
            func reference(_ name: String, _ value: JSONValue?) throws(Invalid) -> Reference {
                guard let shape = value?["shape"]?.stringValue else {
                    throw Invalid(description: "\(name) has no shape")
                }
                return Reference(
                    name: name, shape: shape, locationName: value?["locationName"]?.stringValue,
                    queryName: value?["queryName"]?.stringValue, flattened: value?["flattened"] == .bool(true))
            }
            let flattened = shape["flattened"] == .bool(true)
            switch shape["type"]?.stringValue {
            case "structure":
                guard case .object(let members)? = shape["members"] else {
                    throw Invalid(description: "\(name) has no members")
                }
                var list: [Reference] = []
                for (memberName, value) in members.sorted(by: { $0.key < $1.key }) {
                    list.append(try reference(memberName, value))
                }
                parsed[name] = .structure(list)
            case "list": parsed[name] = .list(try reference("member", shape["member"]), flattened: flattened)
            case "map":
                parsed[name] = .map(
                    key: try reference("key", shape["key"]), value: try reference("value", shape["value"]),
                    flattened: flattened)
            case let type?: parsed[name] = .scalar(type)
            case nil: throw Invalid(description: "\(name) has no type")
            }
        }
        self.shapes = parsed
    }

    /// The model, the action a request names (`Action=`) and its operation, when the method table has the
    /// action (`actions`) and the model knows it; `MissingParameter` or `InvalidAction` (with `hint`) otherwise.
    static func resolve(
        _ loaded: Result<QueryModel, Invalid>, _ parameters: [String: String], among actions: Set<String>,
        hint: String
    ) -> Result<(model: QueryModel, action: String, operation: Operation), CloudError> {
        let model: QueryModel
        switch loaded {
        case .success(let found): model = found
        case .failure(let invalid): return .failure(.internalError("\(invalid)"))
        }
        guard let action = parameters["Action"], !action.isEmpty else { return .failure(.missingParameter("Action")) }
        guard actions.contains(action), let operation = model.operations[action] else {
            return .failure(
                CloudError(
                    code: "InvalidAction", message: "The action \(action) is not valid for this web service (\(hint)).",
                    status: 400))
        }
        return .success((model, action, operation))
    }
}
