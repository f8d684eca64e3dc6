/// The two spellings of a member name: Swift's `volumeIds` and AWS's `VolumeIds`.
enum AWSKeys {
    /// `volumeIds` → `VolumeIds`.
    static func pascalCase(_ key: String) -> String {
        guard let first = key.utf8.first, (0x61...0x7A).contains(first) else { return key }
        var bytes = Array(key.utf8)
        bytes[0] -= 0x20
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `VolumeIds` → `volumeIds`.
    static func camelCase(_ key: String) -> String {
        guard let first = key.utf8.first, (0x41...0x5A).contains(first) else { return key }
        var bytes = Array(key.utf8)
        bytes[0] += 0x20
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A member name that travels exactly as written, never re-cased: the keys of maps (queue attributes, tags,
/// message attributes), which are data, not field names. `WireMap` codes with it.
public struct VerbatimKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }

    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    public init?(intValue: Int) {
        return nil
    }
}

/// A coding key made at run time.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
