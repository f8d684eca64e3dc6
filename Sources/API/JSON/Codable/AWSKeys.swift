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
