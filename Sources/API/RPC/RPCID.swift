/// A JSON-RPC request id: a number or a string, echoed back in the response.
public enum RPCID: Sendable, Hashable, CustomStringConvertible {
    case number(Int)
    case string(String)

    public init?(_ value: JSONValue) {
        switch value {
        case .int(let number): self = .number(number)
        case .string(let string): self = .string(string)
        default: return nil
        }
    }

    public var json: JSONValue {
        switch self {
        case .number(let number): .int(number)
        case .string(let string): .string(string)
        }
    }

    public var description: String {
        switch self {
        case .number(let number): String(number)
        case .string(let string): string
        }
    }
}
