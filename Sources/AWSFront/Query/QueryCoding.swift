import API

/// A query protocol in both directions, driven by the service's model: flat parameters (`Filter.1.Name`,
/// `Attribute.1.Value`, `SendMessageBatchRequestEntry.2.Id`) into the members an action takes, and its result
/// into the protocol's XML (`<volumeSet><item>…</item></volumeSet>`, `<Message>…</Message><Message>…`).
struct QueryCoding: Sendable {
    /// EC2 names its parameters differently from the other query services (botocore's `EC2Serializer`): by
    /// `queryName` or capitalized `locationName`, and every list is numbered directly under its name.
    enum Dialect: Sendable {
        case ec2
        case query
    }

    let model: QueryModel
    let dialect: Dialect

    /// The most parts a parameter name may have (`TagSpecification.1.Tag.1.Key` has five).
    static let deepestName = 16

    /// The parameters as a tree: `Filter.1.Name` is `Filter` → `1` → `Name`.
    private final class Node {
        var value: String?
        var children: [String: Node] = [:]
    }

    /// Parameters into the members of `shape`. A parameter the shape does not have is `UnknownParameter`,
    /// as in EC2; a value that is not of its member's type is `InvalidParameterValue`.
    func decode(_ parameters: [String: String], shape: String) throws(CloudError) -> JSONValue {
        let root = Node()
        for (name, value) in parameters {
            // No shape nests deeper than a few levels; a longer name would only build a deep tree.
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= Self.deepestName, name.utf8.count <= 1024 else {
                throw CloudError(
                    code: "UnknownParameter", message: "The parameter \(name.prefix(64))… is not recognized.")
            }
            var node = root
            for part in parts {
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
            let named = members.map { (inputName($0), $0) }
            let known = Set(named.map(\.0))
            if let unknown = node.children.keys.sorted().first(where: { !known.contains($0) }) {
                throw CloudError(
                    code: "UnknownParameter",
                    message:
                        "The parameter \(Self.join(path, unknown)) is not recognized. Parameter names are case-sensitive."
                )
            }
            var object: [String: JSONValue] = [:]
            for (key, member) in named {
                guard let child = node.children[key] else { continue }
                object[member.name] = try decode(child, reference: member, path: Self.join(path, key))
            }
            return .object(object)
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
        case .list?, .map?, nil:
            return .string(node.value ?? "")
        }
    }

    /// A member's value, where lists and maps take their numbering from the member's traits.
    private func decode(_ node: Node, reference: QueryModel.Reference, path: String) throws(CloudError) -> JSONValue {
        switch model.shapes[reference.shape] {
        case .list(let item, _)?:
            var items = node
            var itemsPath = path
            if dialect == .query && !reference.flattened {
                let name = item.locationName ?? "member"
                guard let inner = node.children[name], node.children.count == 1 else {
                    throw .invalidParameterValue(
                        "\(path) is a list: its items are \(path).\(name).1, \(path).\(name).2, …")
                }
                items = inner
                itemsPath = Self.join(path, name)
            }
            var values: [JSONValue] = []
            for (index, child) in try Self.numbered(items, path: itemsPath) {
                values.append(try decode(child, reference: item, path: Self.join(itemsPath, String(index))))
            }
            return .array(values)
        case .map(let key, let value, _)?:
            var entries = node
            var entriesPath = path
            if !reference.flattened {
                guard let inner = node.children["entry"], node.children.count == 1 else {
                    throw .invalidParameterValue("\(path) is a map: its entries are \(path).entry.1.key, … .value")
                }
                entries = inner
                entriesPath = Self.join(path, "entry")
            }
            let keyName = key.locationName ?? "key"
            let valueName = value.locationName ?? "value"
            var object: [String: JSONValue] = [:]
            for (index, entry) in try Self.numbered(entries, path: entriesPath) {
                let entryPath = Self.join(entriesPath, String(index))
                if let unknown = entry.children.keys.sorted().first(where: { $0 != keyName && $0 != valueName }) {
                    throw CloudError(
                        code: "UnknownParameter",
                        message:
                            "The parameter \(Self.join(entryPath, unknown)) is not recognized; an entry has \(keyName) and \(valueName)."
                    )
                }
                guard let name = entry.children[keyName]?.value, let item = entry.children[valueName] else {
                    throw .invalidParameterValue("\(entryPath) needs both \(keyName) and \(valueName).")
                }
                object[name] = try decode(item, reference: value, path: Self.join(entryPath, valueName))
            }
            return .object(object)
        default:
            return try decode(node, shape: reference.shape, path: path)
        }
    }

    /// A list's or map's children by their number: 1, 2, …
    private static func numbered(_ node: Node, path: String) throws(CloudError) -> [(Int, Node)] {
        var items: [(Int, Node)] = []
        for (key, child) in node.children {
            guard let index = Int(key), index >= 1 else {
                throw .invalidParameterValue("\(join(path, key)) is not a list item; items are numbered from 1.")
            }
            items.append((index, child))
        }
        return items.sorted { $0.0 < $1.0 }
    }

    private static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// The name a member's parameters go by: EC2's `queryName`, else its capitalized `locationName`; for
    /// the other services, a flattened list's item name (`AttributeName.1`), else the `locationName`.
    private func inputName(_ member: QueryModel.Reference) -> String {
        switch dialect {
        case .ec2:
            if let query = member.queryName { return query }
            if let location = member.locationName, let first = location.first {
                return first.uppercased() + location.dropFirst()
            }
            return member.name
        case .query:
            return outputName(member)
        }
    }

    /// The element a member's value is written in, as botocore's XML parser looks for it: a flattened list's
    /// item name, else the member's `locationName`, else its own name.
    private func outputName(_ member: QueryModel.Reference) -> String {
        if member.flattened, case .list(let item, _)? = model.shapes[member.shape], let name = item.locationName {
            return name
        }
        return member.locationName ?? member.name
    }

    /// A result as the members of `shape`, each under its element; lists and maps as their traits say
    /// (flattened: the element repeats; else items in `item`/`member`, entries in `entry`). Members the
    /// model does not have are left out.
    func encode(_ value: JSONValue, shape name: String, into text: inout String) {
        switch (model.shapes[name], value) {
        case (.structure(let members)?, .object(let object)):
            for member in members {
                guard let inner = object[member.name], inner != .null else { continue }
                encode(inner, member: member, into: &text)
            }
        case (_, .string(let string)): text += XMLText.escape(string)
        case (_, .bool(let bool)): text += bool ? "true" : "false"
        case (_, .int(let int)): text += String(int)
        case (_, .double(let double)): text += String(double)
        default: break
        }
    }

    private func encode(_ value: JSONValue, member: QueryModel.Reference, into text: inout String) {
        let element = outputName(member)
        switch (model.shapes[member.shape], value) {
        case (.list(let item, _)?, .array(let values)):
            let itemElement = member.flattened ? element : item.locationName ?? "member"
            if !member.flattened { text += "<\(element)>" }
            for value in values {
                text += "<\(itemElement)>"
                encode(value, shape: item.shape, into: &text)
                text += "</\(itemElement)>"
            }
            if !member.flattened { text += "</\(element)>" }
        case (.map(let key, let valueReference, _)?, .object(let entries)):
            let keyElement = key.locationName ?? "key"
            let valueElement = valueReference.locationName ?? "value"
            if !member.flattened { text += "<\(element)>" }
            for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
                let entryElement = member.flattened ? element : "entry"
                text += "<\(entryElement)><\(keyElement)>\(XMLText.escape(name))</\(keyElement)><\(valueElement)>"
                encode(entry, shape: valueReference.shape, into: &text)
                text += "</\(valueElement)></\(entryElement)>"
            }
            if !member.flattened { text += "</\(element)>" }
        default:
            text += "<\(element)>"
            encode(value, shape: member.shape, into: &text)
            text += "</\(element)>"
        }
    }
}
