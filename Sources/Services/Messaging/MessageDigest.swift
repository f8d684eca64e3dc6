import API
import Crypto
import Foundation

/// The MD5 digests SQS returns, computed exactly as AWS documents them ("Calculating the MD5 message digest
/// for message attributes"), so SDKs that check them accept ours.
enum MessageDigest {
    /// MD5 of the body's UTF-8 bytes, lowercase hex.
    static func body(_ body: String) -> String {
        hex(Insecure.MD5.hash(data: Data(body.utf8)))
    }

    /// MD5 over the attributes sorted by name, each as: 4-byte big-endian length + name, 4-byte length +
    /// DataType, one transport byte (1 for String and Number, 2 for Binary), 4-byte length + value (UTF-8
    /// for String and Number, the decoded bytes for Binary). Nil when there are none.
    static func attributes(_ attributes: [String: MessageAttributeValue]) -> String? {
        guard !attributes.isEmpty else { return nil }
        var buffer: [UInt8] = []
        func append(_ bytes: some Collection<UInt8>) {
            let count = UInt32(bytes.count).bigEndian
            withUnsafeBytes(of: count) { buffer.append(contentsOf: $0) }
            buffer.append(contentsOf: bytes)
        }
        for name in attributes.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let value = attributes[name]!
            append(Array(name.utf8))
            append(Array(value.dataType.utf8))
            if let string = value.stringValue {
                buffer.append(1)
                append(Array(string.utf8))
            } else {
                buffer.append(2)
                append(value.binaryValue.flatMap { Data(base64Encoded: $0) } ?? Data())
            }
        }
        return hex(Insecure.MD5.hash(data: buffer))
    }

    private static func hex(_ digest: Insecure.MD5.Digest) -> String {
        digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
