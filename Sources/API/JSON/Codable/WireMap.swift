/// A JSON object whose member names are data (queue attributes, tags, message attributes): they travel
/// exactly as written, where a struct's property names are turned into AWS's PascalCase.
public struct WireMap<Value: Codable & Sendable>: Codable, Sendable, ExpressibleByDictionaryLiteral {
    public var entries: [String: Value]

    public init(_ entries: [String: Value] = [:]) {
        self.entries = entries
    }

    public init(dictionaryLiteral elements: (String, Value)...) {
        entries = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    public subscript(key: String) -> Value? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: VerbatimKey.self)
        var entries: [String: Value] = [:]
        for key in container.allKeys { entries[key.stringValue] = try container.decode(Value.self, forKey: key) }
        self.entries = entries
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: VerbatimKey.self)
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: VerbatimKey(stringValue: key))
        }
    }
}

extension WireMap: Equatable where Value: Equatable {}
extension WireMap: Hashable where Value: Hashable {}
