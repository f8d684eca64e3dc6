import Foundation

/// Encodes `Encodable` values straight into `JSONValue`, with AWS member names (`VolumeId`) and ISO 8601
/// dates: one pass, no intermediate JSON text.
enum JSONValueEncoder {
    static func encode(_ value: some Encodable) throws -> JSONValue {
        if let date = value as? Date { return .string(ISO8601.format(date)) }
        let encoder = ValueEncoder(codingPath: [])
        try value.encode(to: encoder)
        return encoder.storage.resolved
    }
}

/// What an encoder has written so far; containers share it by reference so nested ones fill in later.
private final class Storage {
    enum Content {
        case empty
        case value(JSONValue)
        case object([String: Storage])
        case array([Storage])
    }

    var content = Content.empty

    var resolved: JSONValue {
        switch content {
        case .empty: .object([:])
        case .value(let value): value
        case .object(let members): .object(members.mapValues(\.resolved))
        case .array(let elements): .array(elements.map(\.resolved))
        }
    }

    func makeObject() {
        if case .object = content { return }
        content = .object([:])
    }

    func makeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func child(forKey key: String) -> Storage {
        let child = Storage()
        if case .object(var members) = content {
            content = .empty
            members[key] = child
            content = .object(members)
        }
        return child
    }

    func appendChild() -> Storage {
        let child = Storage()
        if case .array(var elements) = content {
            content = .empty
            elements.append(child)
            content = .array(elements)
        }
        return child
    }
}

private final class ValueEncoder: Encoder {
    let storage = Storage()
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    init(storage: Storage, codingPath: [any CodingKey]) {
        self.codingPath = codingPath
        self.storageOverride = storage
    }

    private var storageOverride: Storage?
    var target: Storage { storageOverride ?? storage }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        target.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(storage: target, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        target.makeArray()
        return UnkeyedContainer(storage: target, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(storage: target, codingPath: codingPath)
    }
}

/// Turns one leaf value into JSON, or encodes a nested value into `storage`.
private func encodeValue(_ value: some Encodable, into storage: Storage, codingPath: [any CodingKey]) throws {
    switch value {
    case let date as Date: storage.content = .value(.string(ISO8601.format(date)))
    case let string as String: storage.content = .value(.string(string))
    case let int as Int: storage.content = .value(.int(int))
    case let bool as Bool: storage.content = .value(.bool(bool))
    case let double as Double: storage.content = .value(try jsonNumber(double, codingPath: codingPath))
    // Other integer and floating-point types: their own encode(to:) would come back here through a
    // single-value container, so they are converted rather than encoded.
    case let integer as any BinaryInteger:
        guard let int = Int(exactly: integer) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(integer) does not fit in 64 bits"))
        }
        storage.content = .value(.int(int))
    case let float as Float: storage.content = .value(try jsonNumber(Double(float), codingPath: codingPath))
    default: try value.encode(to: ValueEncoder(storage: storage, codingPath: codingPath))
    }
}

private func jsonNumber(_ double: Double, codingPath: [any CodingKey]) throws -> JSONValue {
    guard double.isFinite else {
        throw EncodingError.invalidValue(
            double, .init(codingPath: codingPath, debugDescription: "JSON has no \(double)"))
    }
    return .double(double)
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: Storage
    let codingPath: [any CodingKey]

    private func slot(_ key: Key) -> Storage {
        storage.child(forKey: Key.self == VerbatimKey.self ? key.stringValue : AWSKeys.pascalCase(key.stringValue))
    }

    mutating func encodeNil(forKey key: Key) throws { slot(key).content = .value(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { slot(key).content = .value(.bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { slot(key).content = .value(.string(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { slot(key).content = .value(.int(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        slot(key).content = .value(try jsonNumber(value, codingPath: codingPath + [key]))
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: slot(key), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = slot(key)
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = slot(key)
        child.makeArray()
        return UnkeyedContainer(storage: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoder(storage: storage.child(forKey: "Super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoder(storage: slot(key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let storage: Storage
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let elements) = storage.content { return elements.count }
        return 0
    }

    private var nextPath: [any CodingKey] { codingPath + [DynamicKey(intValue: count)] }

    mutating func encodeNil() throws { storage.appendChild().content = .value(.null) }
    mutating func encode(_ value: Bool) throws { storage.appendChild().content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { storage.appendChild().content = .value(.string(value)) }
    mutating func encode(_ value: Int) throws { storage.appendChild().content = .value(.int(value)) }
    mutating func encode(_ value: Double) throws {
        let number = try jsonNumber(value, codingPath: nextPath)
        storage.appendChild().content = .value(number)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = nextPath
        try encodeValue(value, into: storage.appendChild(), codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let path = nextPath
        let child = storage.appendChild()
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(storage: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let child = storage.appendChild()
        child.makeArray()
        return UnkeyedContainer(storage: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        return ValueEncoder(storage: storage.appendChild(), codingPath: path)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let storage: Storage
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { storage.content = .value(.null) }
    mutating func encode(_ value: Bool) throws { storage.content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { storage.content = .value(.string(value)) }
    mutating func encode(_ value: Int) throws { storage.content = .value(.int(value)) }
    mutating func encode(_ value: Double) throws {
        storage.content = .value(try jsonNumber(value, codingPath: codingPath))
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try encodeValue(value, into: storage, codingPath: codingPath)
    }
}
