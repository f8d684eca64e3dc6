import API
import Foundation

/// AWS's rules for what a message may hold.
enum MessageRules {
    static let maxAttributes = 10
    /// Where system attributes are kept among the user's: a prefix no user attribute name may have.
    static let systemPrefix = "AWS."

    /// Message system attributes: only `AWSTraceHeader`, a non-empty String, as in AWS.
    static func validateSystem(_ attributes: [String: MessageAttributeValue]) throws(CloudError) {
        for (name, value) in attributes {
            guard name == "AWSTraceHeader" else {
                throw SQSErrors.invalidParameterValue(
                    "Message system attribute name '\(name)' is invalid; the only one is AWSTraceHeader.")
            }
            guard value.dataType == "String", let string = value.stringValue, !string.isEmpty, isAllowed(string),
                value.binaryValue == nil
            else {
                throw SQSErrors.invalidParameterValue(
                    "Message system attribute 'AWSTraceHeader' must contain a non-empty value of type 'String'.")
            }
        }
    }

    /// Whether every character is in SQS's allowed set: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD |
    /// #x10000–#x10FFFF.
    static func isAllowed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
            default: false
            }
        }
    }

    /// Checks a body and its attributes against the queue's maximum size; returns their size in bytes,
    /// which AWS counts as the body plus each attribute's name, type and value.
    static func validate(
        body: String, attributes: [String: MessageAttributeValue], maximumSize: Int
    ) throws(CloudError) -> Int {
        guard !body.isEmpty else { throw .missingParameter("MessageBody") }
        guard isAllowed(body) else {
            throw SQSErrors.invalidMessageContents(
                "Invalid binary character in the message body: only #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF are allowed."
            )
        }
        guard attributes.count <= maxAttributes else {
            throw SQSErrors.invalidParameterValue(
                "Number of message attributes [\(attributes.count)] exceeds the allowed maximum [\(maxAttributes)].")
        }
        for (name, value) in attributes { try validate(name: name, value: value) }
        let size = Self.size(body: body, attributes: attributes)
        guard size <= maximumSize else {
            throw SQSErrors.invalidParameterValue(
                "One or more parameters are invalid. Reason: Message must be shorter than \(maximumSize) bytes.")
        }
        return size
    }

    /// A message's size as AWS counts it: the body plus each attribute's name, type and value (a binary
    /// value by its decoded bytes). A batch's 1 MiB limit counts the same way.
    static func size(body: String, attributes: [String: MessageAttributeValue]) -> Int {
        attributes.reduce(body.utf8.count) { size, attribute in
            let value = attribute.value
            return size + attribute.key.utf8.count + value.dataType.utf8.count
                + (value.stringValue?.utf8.count ?? value.binaryValue.flatMap { Data(base64Encoded: $0)?.count } ?? 0)
        }
    }

    private static func validate(name: String, value: MessageAttributeValue) throws(CloudError) {
        let nameAllowed = name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        let lowered = name.lowercased()
        guard (1...256).contains(name.utf8.count), nameAllowed, !name.hasPrefix("."), !name.hasSuffix("."),
            !name.contains(".."), !lowered.hasPrefix("aws."), !lowered.hasPrefix("amazon.")
        else {
            throw SQSErrors.invalidParameterValue(
                "Message attribute name '\(name)' is invalid: 1 to 256 of A-Z, a-z, 0-9, '_', '-', '.', not starting or ending with '.', no '..', not starting with 'AWS.' or 'Amazon.'."
            )
        }
        let type = value.dataType
        let base = type.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
        guard type.utf8.count <= 256, ["String", "Number", "Binary"].contains(base), isAllowed(type) else {
            throw SQSErrors.invalidParameterValue(
                "The type of message (user) attribute '\(name)' is invalid: '\(type)'. Use String, Number or Binary, optionally with a custom suffix (Number.float)."
            )
        }
        if base == "Binary" {
            guard value.stringValue == nil, let binary = value.binaryValue, let bytes = Data(base64Encoded: binary),
                !bytes.isEmpty
            else {
                throw SQSErrors.invalidParameterValue(
                    "Message (user) attribute '\(name)' must contain a non-empty base64 value of type 'Binary'.")
            }
            return
        }
        guard value.binaryValue == nil, let string = value.stringValue, !string.isEmpty else {
            throw SQSErrors.invalidParameterValue(
                "Message (user) attribute '\(name)' must contain a non-empty value of type '\(base)'.")
        }
        guard isAllowed(string) else {
            throw SQSErrors.invalidParameterValue(
                "Message (user) attribute '\(name)' has a character SQS does not allow.")
        }
        if base == "Number" {
            guard string.count <= 40, Double(string) != nil || Decimal(string: string) != nil else {
                throw SQSErrors.invalidParameterValue(
                    "Can't cast the value of message (user) attribute '\(name)' to a number: '\(string)'.")
            }
        }
    }
}
