import Testing

@testable import API

@Suite("RPCMessage")
struct RPCMessageTests {
    @Test("a result envelope parses to the expected members")
    func result() throws {
        let bytes = RPCMessage.result(id: .number(3), serializedResult: Array(#"{"Return":true}"#.utf8))
        #expect(try JSONParser.parse(bytes) == ["jsonrpc": "2.0", "id": 3, "result": ["Return": true]])
        let anonymous = RPCMessage.result(id: nil, serializedResult: Array("1".utf8))
        #expect(try JSONParser.parse(anonymous) == ["jsonrpc": "2.0", "id": nil, "result": 1])
    }

    @Test("an error envelope")
    func error() throws {
        let error = RPCErrorObject(CloudError(code: "VolumeInUse", message: "m"))
        let bytes = RPCMessage.error(id: .string("r1"), error)
        #expect(try JSONParser.parse(bytes) == ["jsonrpc": "2.0", "id": "r1", "error": error.json])
    }

    @Test("a request envelope is accepted by RPCRequest.validate")
    func request() throws {
        let bytes = RPCMessage.request(id: .number(5), method: "ec2.X", serializedParams: Array(#"{"A":1}"#.utf8))
        guard case .success(let request) = RPCRequest.validate(try JSONParser.parse(bytes)) else {
            Issue.record("request rejected")
            return
        }
        #expect(request.id == .number(5))
        #expect(request.method == "ec2.X")
        #expect(request.params == ["A": 1])
        let notification = RPCMessage.request(id: nil, method: "m", serializedParams: Array("{}".utf8))
        #expect(try JSONParser.parse(notification)["id"] == nil)
    }

    @Test("a batch joins messages into one array")
    func batch() throws {
        #expect(try JSONParser.parse(RPCMessage.batch([Array("1".utf8), Array("{}".utf8)])) == [1, .object([:])])
        #expect(try JSONParser.parse(RPCMessage.batch([])) == [])
    }
}
