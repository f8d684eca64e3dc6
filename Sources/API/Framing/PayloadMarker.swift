/// The binary payload extension: `{"$bytes": N}` in place of a body means N raw bytes follow the line.
public enum PayloadMarker {
    public static let key = "$bytes"

    /// The marker object for a body of `count` bytes.
    public static func marker(count: Int) -> JSONValue { .object([key: .int(count)]) }

    /// Finds the one payload marker in a message, if any.
    ///
    /// - Throws: a description when there is more than one marker or its count is not a non-negative integer.
    public static func find(in value: JSONValue) throws(RPCErrorObject) -> Int? {
        var found: [JSONValue] = []
        collect(value, into: &found)
        guard let marker = found.first else { return nil }
        guard found.count == 1 else {
            throw .invalidRequest("A message may carry at most one \"$bytes\" payload; this one has \(found.count).")
        }
        guard case .int(let count) = marker, count >= 0 else {
            throw .invalidRequest("\"$bytes\" must be a non-negative integer byte count.")
        }
        return count
    }

    private static func collect(_ value: JSONValue, into found: inout [JSONValue]) {
        switch value {
        case .object(let members):
            if members.count == 1, let count = members[key] {
                found.append(count)
                return
            }
            for member in members.values { collect(member, into: &found) }
        case .array(let elements):
            for element in elements { collect(element, into: &found) }
        default:
            return
        }
    }
}
