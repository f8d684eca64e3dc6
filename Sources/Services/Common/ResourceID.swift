import API

/// AWS-shaped resource identifiers: a prefix, a dash and 17 lowercase hex digits (`vol-0a1b2c3d4e5f60718`).
public enum ResourceID {
    static let digits = 17

    /// A fresh random identifier with the given prefix (`vol`, `i`, `snap`, ...).
    public static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        return prefix + "-" + String((0..<digits).map { _ in hex[Int(generator.next() % 16)] })
    }

    /// Whether `id` has the shape of an identifier with `prefix`.
    public static func isWellFormed(_ id: String, prefix: String) -> Bool {
        let utf8 = Array(id.utf8)
        let head = Array((prefix + "-").utf8)
        guard utf8.count == head.count + digits, utf8.starts(with: head) else { return false }
        return utf8[head.count...].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The resource type AWS uses in tags and errors for an identifier's prefix, or nil for an unknown prefix.
    public static func resourceType(of id: String) -> String? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        let prefix = String(id[..<dash])
        guard let type = knownPrefixes[prefix], isWellFormed(id, prefix: prefix) else { return nil }
        return type
    }

    static let knownPrefixes = [
        "vol": "volume", "i": "instance", "snap": "snapshot", "ami": "image", "eipalloc": "elastic-ip",
        "sg": "security-group", "sgr": "security-group-rule",
    ]
}
