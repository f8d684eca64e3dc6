import API

/// EC2's query protocol in both directions, driven by the model: flat parameters (`Filter.1.Name`,
/// `Filter.1.Value.1`, `VolumeId.1`) into the members an action takes, and its result into EC2's XML
/// (`<volumeSet><item>…</item></volumeSet>`).
struct EC2QueryCoding: Sendable {
    let model: EC2Model

    /// The parameters as a tree: `Filter.1.Name` is `Filter` → `1` → `Name`.
    private final class Node {
        var value: String?
        var children: [String: Node] = [:]
    }

    /// Parameters into the members of `shape`. Parameters the shape does not have are `UnknownParameter`, as
    /// in EC2; values that are not of their member's type are `InvalidParameterValue`.
    func decode(_ parameters: [String: String], shape: String) throws(CloudError) -> JSONValue {
        let root = Node()
        for (name, value) in parameters {
            var node = root
            for part in name.split(separator: ".", omittingEmptySubsequences: false) {
                let key = String(part)
                let child = node.children[key] ?? Node()
                node.children[key] = child
                node = child
            }
            node.value = value
        }
        return try decode(root, shape: shape, path: "")
    }

    private func decode(_ node: Node, shape name: String, path: String) throws(CloudError) -> JSONValue {
        switch model.shapes[name] {
        case .structure(let members)?:
            let known = Set(members.map(Self.serializedName))
            if let unknown = node.children.keys.sorted().first(where: { !known.contains($0) }) {
                throw CloudError(
                    code: "UnknownParameter",
                    message:
                        "The parameter \(Self.join(path, unknown)) is not recognized. Parameter names are case-sensitive."
                )
            }
            var object: [String: JSONValue] = [:]
            for member in members {
                let key = Self.serializedName(member)
                guard let child = node.children[key] else { continue }
                object[member.name] = try decode(child, shape: member.shape, path: Self.join(path, key))
            }
            return .object(object)
        case .list(let member)?:
            var items: [(Int, Node)] = []
            for (key, child) in node.children {
                guard let index = Int(key), index >= 1 else {
                    throw .invalidParameterValue("\(path).\(key) is not a list item; items are numbered from 1.")
                }
                items.append((index, child))
            }
            var values: [JSONValue] = []
            for (index, child) in items.sorted(by: { $0.0 < $1.0 }) {
                values.append(try decode(child, shape: member.shape, path: Self.join(path, String(index))))
            }
            return .array(values)
        case .map?:
            throw .invalidParameterValue("\(path): maps are not taken in EC2's query protocol.")
        case .scalar(let type)?:
            let text = node.value ?? ""
            switch type {
            case "integer", "long":
                guard let value = Int(text) else {
                    throw .invalidParameterValue("\(path) must be an integer, not '\(text)'.")
                }
                return .int(value)
            case "boolean":
                guard text == "true" || text == "false" else {
                    throw .invalidParameterValue("\(path) must be true or false, not '\(text)'.")
                }
                return .bool(text == "true")
            case "double", "float":
                guard let value = Double(text) else {
                    throw .invalidParameterValue("\(path) must be a number, not '\(text)'.")
                }
                return .double(value)
            default: return .string(text)
            }
        case nil:
            return .string(node.value ?? "")
        }
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// The name a member goes by on the wire: its `queryName`, else its `locationName` capitalized, else its own.
    private static func serializedName(_ member: EC2Model.Member) -> String {
        if let query = member.queryName { return query }
        if let location = member.locationName, let first = location.first {
            return first.uppercased() + location.dropFirst()
        }
        return member.name
    }

    /// A result as the members of `shape`, each under its `locationName`; lists wrap their items in `item`.
    /// Members the model does not have are left out.
    func encode(_ value: JSONValue, shape name: String, into text: inout String) {
        switch (model.shapes[name], value) {
        case (.structure(let members)?, .object(let object)):
            for member in members {
                guard let inner = object[member.name], inner != .null else { continue }
                let element = member.locationName ?? member.name
                text += "<\(element)>"
                encode(inner, shape: member.shape, into: &text)
                text += "</\(element)>"
            }
        case (.list(let member)?, .array(let items)):
            let element = member.locationName ?? "item"
            for item in items {
                text += "<\(element)>"
                encode(item, shape: member.shape, into: &text)
                text += "</\(element)>"
            }
        case (_, .string(let string)): text += XMLText.escape(string)
        case (_, .bool(let bool)): text += bool ? "true" : "false"
        case (_, .int(let int)): text += String(int)
        case (_, .double(let double)): text += String(double)
        default: break
        }
    }
}
