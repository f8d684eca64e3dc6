/// Builds the bytes of JSON-RPC 2.0 responses and requests.
///
/// A result arrives already serialized (from `AWSCoding`), so it is spliced into the envelope rather than
/// parsed and written again.
public enum RPCMessage {
    /// `{"jsonrpc":"2.0","id":…,"result":…}` without a trailing newline.
    public static func result(id: RPCID?, serializedResult: some Sequence<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        output.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        (id?.json ?? .null).write(to: &output)
        output.append(contentsOf: #","result":"#.utf8)
        output.append(contentsOf: serializedResult)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// `{"jsonrpc":"2.0","id":…,"error":{…}}` without a trailing newline.
    public static func error(id: RPCID?, _ error: RPCErrorObject) -> [UInt8] {
        var output: [UInt8] = []
        output.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        (id?.json ?? .null).write(to: &output)
        output.append(contentsOf: #","error":"#.utf8)
        error.json.write(to: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// `{"jsonrpc":"2.0","id":…,"method":…,"params":…}` without a trailing newline.
    public static func request(id: RPCID?, method: String, serializedParams: some Sequence<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.append(contentsOf: #"{"jsonrpc":"2.0","#.utf8)
        if let id {
            output.append(contentsOf: #""id":"#.utf8)
            id.json.write(to: &output)
            output.append(UInt8(ascii: ","))
        }
        output.append(contentsOf: #""method":"#.utf8)
        JSONValue.writeString(method, to: &output)
        output.append(contentsOf: #","params":"#.utf8)
        output.append(contentsOf: serializedParams)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Joins serialized messages into a batch array.
    public static func batch(_ messages: [[UInt8]]) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "[")]
        for (offset, message) in messages.enumerated() {
            if offset > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: message)
        }
        output.append(UInt8(ascii: "]"))
        return output
    }
}
