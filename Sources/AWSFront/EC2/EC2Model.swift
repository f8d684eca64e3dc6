import API

/// The part of EC2's service model the query protocol needs (`EC2Model+JSON.swift`, generated from botocore's
/// model by `scripts/generate-ec2-model.py`): which shape each action takes and answers, and each shape's
/// members with their wire names. The protocol's encoding follows from it, so no action needs code of its own.
struct EC2Model: Sendable {
    struct Member: Sendable {
        var name: String
        var shape: String
        var locationName: String?
        var queryName: String?
    }

    enum Shape: Sendable {
        case structure([Member])
        case list(Member)
        case map(key: String, value: String)
        case scalar(String)
    }

    struct Operation: Sendable {
        var input: String?
        var output: String?
    }

    let version: String
    let operations: [String: Operation]
    let shapes: [String: Shape]

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// The generated model, read once.
    static let shared: Result<EC2Model, Invalid> = Result { () throws(Invalid) in try EC2Model(json: json) }

    init(json text: String) throws(Invalid) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(Array(text.utf8), maxDepth: 16)
        } catch {
            throw Invalid(description: "EC2's model is not JSON: \(error.message)")
        }
        guard case .object(let operations)? = root["operations"], case .object(let shapes)? = root["shapes"],
            let version = root["version"]?.stringValue
        else { throw Invalid(description: "EC2's model lacks operations, shapes or version") }
        self.version = version
        self.operations = operations.mapValues {
            Operation(input: $0["input"]?.stringValue, output: $0["output"]?.stringValue)
        }
        var parsed: [String: Shape] = [:]
        for (name, shape) in shapes {
            func member(_ name: String, _ value: JSONValue?) throws(Invalid) -> Member {
                guard let shape = value?["shape"]?.stringValue else {
                    throw Invalid(description: "\(name) has no shape")
                }
                return Member(
                    name: name, shape: shape, locationName: value?["locationName"]?.stringValue,
                    queryName: value?["queryName"]?.stringValue)
            }
            switch shape["type"]?.stringValue {
            case "structure":
                guard case .object(let members)? = shape["members"] else {
                    throw Invalid(description: "\(name) has no members")
                }
                var list: [Member] = []
                for (memberName, value) in members.sorted(by: { $0.key < $1.key }) {
                    list.append(try member(memberName, value))
                }
                parsed[name] = .structure(list)
            case "list": parsed[name] = .list(try member("member", shape["member"]))
            case "map":
                parsed[name] = .map(
                    key: shape["key"]?["shape"]?.stringValue ?? "String",
                    value: shape["value"]?["shape"]?.stringValue ?? "String")
            case let type?: parsed[name] = .scalar(type)
            case nil: throw Invalid(description: "\(name) has no type")
            }
        }
        self.shapes = parsed
    }
}
