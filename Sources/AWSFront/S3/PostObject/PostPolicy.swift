import API
import Foundation

/// A POST upload's policy (the base64 `policy` field): when it expires and the conditions every field of the
/// form must meet, as S3 checks them
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html).
struct PostPolicy: Sendable {
    enum Condition: Sendable, Equatable {
        case equals(field: String, value: String)
        case startsWith(field: String, prefix: String)
        case contentLength(min: Int, max: Int)
    }

    var expiration: Date
    var conditions: [Condition]

    init(base64 text: String) throws(CloudError) {
        guard let data = Data(base64Encoded: text),
            let root = try? JSONParser.parse(Array(data), maxDepth: 8)
        else { throw Self.invalid("the policy is not base64-encoded JSON") }
        guard let expiration = root["expiration"]?.stringValue, let date = Self.date(expiration) else {
            throw Self.invalid("the policy needs an expiration, an ISO 8601 time such as 2026-12-31T12:00:00.000Z")
        }
        guard case .array(let items)? = root["conditions"] else { throw Self.invalid("the policy needs conditions") }
        self.expiration = date
        conditions = try items.map { item throws(CloudError) in try Self.condition(item) }
    }

    private static func condition(_ item: JSONValue) throws(CloudError) -> Condition {
        switch item {
        case .object(let members) where members.count == 1:
            let (field, value) = members.first!
            guard let text = value.stringValue else { throw invalid("the condition on \(field) needs a string") }
            return .equals(field: field.lowercased(), value: text)
        case .array(let parts) where parts.count == 3:
            guard let operation = parts[0].stringValue?.lowercased() else {
                throw invalid("a condition needs an operator")
            }
            if operation == "content-length-range" {
                guard let min = parts[1].intValue, let max = parts[2].intValue, min >= 0, min <= max else {
                    throw invalid("content-length-range needs two sizes, the least first")
                }
                return .contentLength(min: min, max: max)
            }
            guard let name = parts[1].stringValue, name.hasPrefix("$"), let value = parts[2].stringValue else {
                throw invalid("a condition names its field as \"$field\" and gives a string")
            }
            let field = String(name.dropFirst()).lowercased()
            switch operation {
            case "eq": return .equals(field: field, value: value)
            case "starts-with": return .startsWith(field: field, prefix: value)
            default: throw invalid("\(operation) is not a condition (eq, starts-with, content-length-range)")
            }
        default:
            throw invalid("a condition is {\"field\": \"value\"} or [operator, \"$field\", value]")
        }
    }

    /// Checks the form (its fields, the bucket, the file's size) against the policy: every field but the
    /// signature's, the policy, the file and `x-ignore-*` must be named by a condition, and every condition
    /// must hold.
    func check(fields: [(name: String, value: String)], bucket: String, size: Int, now: Date) throws(CloudError) {
        guard now < expiration else { throw Self.denied("Invalid according to Policy: Policy expired.") }
        var values: [String: String] = [:]
        for (name, value) in fields { values[name.lowercased()] = value }
        // The bucket is the one the form was posted to, whatever a field says.
        values["bucket"] = bucket
        let exempt: Set<String> = ["x-amz-signature", "policy", "file", "signature", "awsaccesskeyid"]
        let covered = Set(
            conditions.compactMap { condition -> String? in
                switch condition {
                case .equals(let field, _), .startsWith(let field, _): field
                case .contentLength: nil
                }
            })
        for (name, _) in fields {
            let field = name.lowercased()
            guard !exempt.contains(field), !field.hasPrefix("x-ignore-"), !covered.contains(field) else { continue }
            throw Self.denied("Invalid according to Policy: Extra input fields: \(name)")
        }
        for condition in conditions {
            switch condition {
            case .equals(let field, let value):
                guard values[field] == value else {
                    throw Self.denied(
                        "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$\(field)\", \"\(value)\"]")
                }
            case .startsWith(let field, let prefix):
                // A field may be any of a comma-separated list (Content-Type), each with the prefix.
                let value = values[field] ?? ""
                let items = field == "content-type" ? value.split(separator: ",").map(String.init) : [value]
                guard items.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }) else {
                    throw Self.denied(
                        "Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$\(field)\", \"\(prefix)\"]"
                    )
                }
            case .contentLength(let min, let max):
                if size > max {
                    throw CloudError(
                        code: "EntityTooLarge",
                        message: "Your proposed upload exceeds the maximum allowed size (\(max) bytes).")
                }
                if size < min {
                    throw CloudError(
                        code: "EntityTooSmall",
                        message: "Your proposed upload is smaller than the minimum allowed size (\(min) bytes).")
                }
            }
        }
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    static func invalid(_ detail: String) -> CloudError {
        CloudError(code: "InvalidPolicyDocument", message: "Invalid Policy: \(detail).")
    }

    static func denied(_ message: String) -> CloudError {
        CloudError(code: "AccessDenied", message: message, status: 403)
    }
}
