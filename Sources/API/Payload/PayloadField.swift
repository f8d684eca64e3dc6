/// The place of a payload in a request or result: `{"$bytes": N}` on the wire, with the N bytes after the
/// line. A type whose message carries a body has one member of this type (S3's `Body`).
public struct PayloadField: Codable, Sendable, Hashable {
    /// The payload's length in bytes.
    public var length: Int

    public init(length: Int) {
        self.length = length
    }

    private struct Key: CodingKey {
        var stringValue: String { PayloadMarker.key }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { guard stringValue == PayloadMarker.key else { return nil } }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        length = try decoder.container(keyedBy: Key.self).decode(Int.self, forKey: Key())
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(length, forKey: Key())
    }
}
