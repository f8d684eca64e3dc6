import API

/// S3's XML result documents, written from an action's JSON result: members become elements, in name order,
/// and lists take S3's shapes (most repeat their element; a few wrap each item).
enum S3XML {
    static let namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    /// Lists whose items are wrapped in an element of their own: `<Buckets><Bucket>…</Bucket></Buckets>`.
    private static let wrapped = ["Buckets": "Bucket", "TagSet": "Tag"]
    /// Lists whose items repeat under another name than the member's: `Versions` → `<Version>…</Version>…`.
    private static let renamed = [
        "Versions": "Version", "DeleteMarkers": "DeleteMarker", "Errors": "Error", "Parts": "Part",
        "Uploads": "Upload",
    ]

    /// `<?xml …?><Root xmlns="…">members</Root>`.
    static func document(_ root: String, _ value: JSONValue, leaving excluded: Set<String> = []) -> [UInt8] {
        var text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<\(root) xmlns=\"\(namespace)\">"
        if case .object(let members) = value {
            for (name, member) in members.sorted(by: { $0.key < $1.key }) where !excluded.contains(name) {
                append(name, member, to: &text)
            }
        } else {
            text += scalar(value)
        }
        text += "</\(root)>"
        return Array(text.utf8)
    }

    /// Members whose element S3 spells otherwise than the JSON member.
    private static let elementNames = ["Id": "ID"]

    private static func append(_ member: String, _ value: JSONValue, to text: inout String) {
        let name = elementNames[member] ?? member
        switch value {
        case .null: return
        case .array(let items):
            if let item = wrapped[name] {
                text += "<\(name)>"
                for element in items { append(item, element, to: &text) }
                text += "</\(name)>"
            } else {
                for element in items { append(renamed[name] ?? name, element, to: &text) }
            }
        case .object(let members):
            text += "<\(name)>"
            for (member, inner) in members.sorted(by: { $0.key < $1.key }) { append(member, inner, to: &text) }
            text += "</\(name)>"
        default:
            text += "<\(name)>\(scalar(value))</\(name)>"
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): XMLText.escape(string)
        case .bool(let bool): bool ? "true" : "false"
        case .int(let int): String(int)
        case .double(let double): String(double)
        default: ""
        }
    }
}
