import Foundation

/// Decodes `Decodable` values straight from `JSONValue`, reading AWS member names (`VolumeId`) for Swift
/// properties (`volumeId`) and ISO 8601 dates: no second parse of JSON text.
///
/// Errors are `DecodingError`s with the coding path, like `JSONDecoder`'s, so callers can name the member.
enum JSONValueDecoder {
    /// A member of the input that no property of the type reads (a misspelt or unsupported parameter).
    struct UnknownMember: Error {
        /// The member's place, in AWS spelling: `TagSpecifications[0].Tagz`.
        var path: String
    }

    /// - Parameter strict: refuse members the type does not read (`UnknownMember`), as AWS refuses unknown
    ///   parameters; off for reading responses, which a newer daemon may extend.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, strict: Bool = false) throws -> T {
        let usage = strict ? KeyUsage() : nil
        let decoded = try decodeValue(type, from: value, codingPath: [], usage: usage)
        if let unknown = usage?.firstUnread() { throw UnknownMember(path: unknown) }
        return decoded
    }
}

/// Which members of each decoded object were read, to find those nothing read.
private final class KeyUsage {
    private var objects: [String: (members: Set<String>, read: Set<String>)] = [:]

    func opened(_ members: [String: JSONValue], at codingPath: [any CodingKey]) {
        let path = Self.path(codingPath)
        if objects[path] == nil { objects[path] = (Set(members.keys), []) }
    }

    func read(_ member: String, at codingPath: [any CodingKey]) {
        objects[Self.path(codingPath)]?.read.insert(member)
    }

    func firstUnread() -> String? {
        objects.flatMap { path, object in
            object.members.subtracting(object.read).map { path.isEmpty ? $0 : path + "." + $0 }
        }.min()
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                let name = key is VerbatimKey ? key.stringValue : AWSKeys.pascalCase(key.stringValue)
                path += (path.isEmpty ? "" : ".") + name
            }
        }
        return path
    }
}

private let iso8601 = Date.ISO8601FormatStyle()
private let iso8601Fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

private func decodeValue<T: Decodable>(
    _ type: T.Type, from value: JSONValue, codingPath: [any CodingKey], usage: KeyUsage?
) throws -> T {
    if type == Date.self {
        guard case .string(let text) = value else { throw mismatch(type, value, codingPath) }
        guard let date = ISO8601.parse(text) ?? (try? iso8601.parse(text)) ?? (try? iso8601Fractional.parse(text))
        else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "Expected an ISO 8601 date, got '\(text)'."))
        }
        return date as! T
    }
    return try T(from: ValueDecoder(value: value, codingPath: codingPath, usage: usage))
}

private func mismatch(_ type: Any.Type, _ value: JSONValue, _ codingPath: [any CodingKey]) -> DecodingError {
    if value == .null {
        return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Found null."))
    }
    return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Found a \(value.typeName)."))
}

private func decodeInteger<T: FixedWidthInteger>(_ type: T.Type, _ value: JSONValue, _ codingPath: [any CodingKey])
    throws -> T
{
    guard case .int(let int) = value else { throw mismatch(type, value, codingPath) }
    guard let exact = T(exactly: int) else {
        throw DecodingError.dataCorrupted(
            .init(codingPath: codingPath, debugDescription: "\(int) does not fit in \(type)."))
    }
    return exact
}

private func decodeDouble(_ value: JSONValue, _ codingPath: [any CodingKey]) throws -> Double {
    switch value {
    case .int(let int): return Double(int)
    case .double(let double): return double
    default: throw mismatch(Double.self, value, codingPath)
    }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let usage: KeyUsage?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: Any].self, value, codingPath) }
        usage?.opened(members, at: codingPath)
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath, usage: usage))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([Any].self, value, codingPath) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath, usage: usage)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleContainer(value: value, codingPath: codingPath, usage: usage)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]
    let usage: KeyUsage?

    var allKeys: [Key] {
        if Key.self == VerbatimKey.self { return members.keys.compactMap { Key(stringValue: $0) } }
        return members.keys.compactMap { Key(stringValue: AWSKeys.camelCase($0)) }
    }

    private func lookup(_ key: Key) -> JSONValue? {
        if Key.self == VerbatimKey.self {
            let value = members[key.stringValue]
            if value != nil { usage?.read(key.stringValue, at: codingPath) }
            return value
        }
        let pascal = AWSKeys.pascalCase(key.stringValue)
        if let value = members[pascal] {
            usage?.read(pascal, at: codingPath)
            return value
        }
        if let value = members[key.stringValue] {
            usage?.read(key.stringValue, at: codingPath)
            return value
        }
        return nil
    }

    private func require(_ key: Key) throws -> JSONValue {
        guard let value = lookup(key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No member \(key.stringValue)."))
        }
        return value
    }

    func contains(_ key: Key) -> Bool { lookup(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { (lookup(key) ?? .null) == .null }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let value = try require(key)
        guard case .bool(let bool) = value else { throw mismatch(type, value, codingPath + [key]) }
        return bool
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let value = try require(key)
        guard case .string(let string) = value else { throw mismatch(type, value, codingPath + [key]) }
        return string
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decodeDouble(require(key), codingPath + [key])
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(try decodeDouble(require(key), codingPath + [key]))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try decodeInteger(type, require(key), codingPath + [key])
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try decodeInteger(type, require(key), codingPath + [key])
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeValue(type, from: require(key), codingPath: codingPath + [key], usage: usage)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try ValueDecoder(value: require(key), codingPath: codingPath + [key], usage: usage).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: require(key), codingPath: codingPath + [key], usage: usage).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: members["Super"] ?? .null, codingPath: codingPath, usage: usage)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: lookup(key) ?? .null, codingPath: codingPath + [key], usage: usage)
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    let usage: KeyUsage?
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey], usage: KeyUsage?) {
        self.elements = elements
        self.codingPath = codingPath
        self.usage = usage
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private var path: [any CodingKey] { codingPath + [DynamicKey(intValue: currentIndex)] }

    private mutating func next(_ type: Any.Type) throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: path, debugDescription: "The array has no more elements."))
        }
        defer { currentIndex += 1 }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let path = self.path
        return try decodeValue(type, from: next(type), codingPath: path, usage: usage)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        let path = self.path
        return try ValueDecoder(value: next(type), codingPath: path, usage: usage).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let path = self.path
        return try ValueDecoder(value: next([Any].self), codingPath: path, usage: usage).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let path = self.path
        return ValueDecoder(value: try next(Any.self), codingPath: path, usage: usage)
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let usage: KeyUsage?

    func decodeNil() -> Bool { value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let bool) = value else { throw mismatch(type, value, codingPath) }
        return bool
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let string) = value else { throw mismatch(type, value, codingPath) }
        return string
    }

    func decode(_ type: Double.Type) throws -> Double { try decodeDouble(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try decodeDouble(value, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type, value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type, value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type, value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type, value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type, value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type, value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type, value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type, value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type, value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type, value, codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeValue(type, from: value, codingPath: codingPath, usage: usage)
    }
}
