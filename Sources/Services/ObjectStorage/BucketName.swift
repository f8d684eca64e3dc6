import API

/// S3's rules for general-purpose bucket names: 3 to 63 characters of lower-case letters, digits, dots and
/// hyphens, beginning and ending with a letter or digit, no two adjacent dots, not an IP address, none of
/// the reserved prefixes and suffixes.
enum BucketName {
    static func validate(_ name: String) throws(CloudError) {
        func refuse(_ why: String) -> CloudError { S3Errors.invalidBucketName(name, why) }
        guard (3...63).contains(name.utf8.count) else { throw refuse("must be 3 to 63 characters long") }
        let allowed = name.utf8.allSatisfy { byte in
            (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2E || byte == 0x2D
        }
        guard allowed else { throw refuse("may hold only lower-case letters, digits, dots and hyphens") }
        guard let first = name.utf8.first, let last = name.utf8.last, Self.isAlphanumeric(first),
            Self.isAlphanumeric(last)
        else { throw refuse("must begin and end with a letter or digit") }
        guard !name.contains("..") else { throw refuse("must not hold two adjacent periods") }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) {
            throw refuse("must not be formatted as an IP address")
        }
        for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] where name.hasPrefix(prefix) {
            throw refuse("must not begin with \(prefix)")
        }
        for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] where name.hasSuffix(suffix) {
            throw refuse("must not end with \(suffix)")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
    }
}

/// S3's rules for object keys: 1 to 1,024 bytes of UTF-8.
enum ObjectKey {
    static let maxBytes = 1024

    static func validate(_ key: String) throws(CloudError) {
        guard !key.isEmpty else { throw S3Errors.invalidArgument("An object key must not be empty.") }
        guard key.utf8.count <= maxBytes else {
            throw CloudError(
                code: "KeyTooLongError",
                message: "Your key is too long: \(key.utf8.count) bytes; the most is \(maxBytes).")
        }
    }
}
