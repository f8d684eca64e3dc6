import Foundation

/// Codable for the wire: Swift's `camelCase` properties become AWS's `PascalCase` member names
/// (`volumeIds` ↔ `VolumeIds`), so wire types need no hand-written coding keys.
public enum AWSCoding {
    /// Serializes a parameters or result value into compact JSON.
    ///
    /// - Parameter pretty: indented, for people (the CLI's `-o json`); compact otherwise.
    public static func encode(_ value: some Encodable, pretty: Bool = false) throws -> [UInt8] {
        if pretty { return Array(try prettyEncoder.encode(value)) }
        return try JSONValueEncoder.encode(value).serialized
    }

    // Built once: configuring a coder costs more than encoding a small result, and it is thread-safe.
    private static let prettyEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in
            let key = path.last!
            return DynamicKey(stringValue: key is VerbatimKey ? key.stringValue : AWSKeys.pascalCase(key.stringValue))
        }
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys, .prettyPrinted]
        return encoder
    }()

    /// Decodes a typed value from parsed parameters (an absent value decodes as `{}`).
    ///
    /// - Parameter strict: refuse members the type does not have (`UnknownParameter`), as AWS does for
    ///   requests; responses are read leniently, so a newer daemon may add members.
    /// - Throws: `CloudError` (`MissingParameter`, `InvalidParameterType`, `UnknownParameter`) naming the
    ///   member at fault.
    public static func decode<T: Decodable>(
        _ type: T.Type, from value: JSONValue?, strict: Bool = false
    ) throws(CloudError) -> T {
        // Parameterless methods are the hottest path (daemon.Status); they need no decoder.
        if let none = NoParams() as? T, value == nil || value == .object([:]) { return none }
        do {
            return try JSONValueDecoder.decode(type, from: value ?? .object([:]), strict: strict)
        } catch {
            throw map(error)
        }
    }

    /// Decodes a typed value from JSON text.
    public static func decode<T: Decodable>(
        _ type: T.Type, fromJSON bytes: [UInt8], strict: Bool = false
    ) throws(CloudError) -> T {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .invalidParameterValue("Invalid JSON at byte \(error.offset): \(error.message).")
        }
        return try decode(type, from: value, strict: strict)
    }

    private static func map(_ error: any Error) -> CloudError {
        switch error {
        case let error as DecodingError: describe(error)
        case let error as JSONValueDecoder.UnknownMember:
            CloudError(
                code: "UnknownParameter",
                message: "The parameter \(error.path) is not recognized. Parameter names are case-sensitive.")
        case let error as CloudError: error
        default: .invalidParameterValue("\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> CloudError {
        func name(_ path: [any CodingKey]) -> String {
            let parts = path.map { key in
                key.intValue.map { "[\($0)]" }
                    ?? "." + (key is VerbatimKey ? key.stringValue : AWSKeys.pascalCase(key.stringValue))
            }
            let joined = parts.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .missingParameter(name(context.codingPath + [key]))
        case .typeMismatch(let type, let context):
            return .invalidParameterType("The parameter \(name(context.codingPath)) must be of type \(wireName(type)).")
        case .valueNotFound(let type, let context):
            return .invalidParameterType(
                "The parameter \(name(context.codingPath)) must be of type \(wireName(type)), not null.")
        case .dataCorrupted(let context):
            let where_ = context.codingPath.isEmpty ? "" : " in \(name(context.codingPath))"
            return .invalidParameterValue("Invalid value\(where_): \(context.debugDescription)")
        @unknown default:
            return .invalidParameterValue("\(error)")
        }
    }

    private static func wireName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type, is Double.Type: "number"
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "array" : "object"
        }
    }
}
