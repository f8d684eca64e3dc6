import Testing

@testable import API

private func accepted(_ value: JSONValue) -> RPCRequest? {
    if case .success(let request) = RPCRequest.validate(value) { return request }
    return nil
}

private func rejected(_ value: JSONValue) -> RPCRequest.RejectedRequest? {
    if case .failure(let rejection) = RPCRequest.validate(value) { return rejection }
    return nil
}

@Suite("RPCRequest.validate")
struct RPCRequestTests {
    @Test("a complete request with an integer id")
    func validIntegerID() throws {
        let request = try #require(
            accepted(["jsonrpc": "2.0", "id": 7, "method": "ec2.DescribeVolumes", "params": ["MaxResults": 5]]))
        #expect(request.id == .number(7))
        #expect(request.method == "ec2.DescribeVolumes")
        #expect(request.params == ["MaxResults": 5])
    }

    @Test("a string id")
    func stringID() throws {
        let request = try #require(accepted(["jsonrpc": "2.0", "id": "abc", "method": "daemon.Status"]))
        #expect(request.id == .string("abc"))
        #expect(request.params == nil)
    }

    @Test("a null or absent id makes a notification")
    func notification() throws {
        #expect(try #require(accepted(["jsonrpc": "2.0", "id": nil, "method": "m"])).id == nil)
        #expect(try #require(accepted(["jsonrpc": "2.0", "method": "m"])).id == nil)
    }

    @Test("null params are treated as absent")
    func nullParams() throws {
        #expect(try #require(accepted(["jsonrpc": "2.0", "id": 1, "method": "m", "params": nil])).params == nil)
    }

    @Test("missing jsonrpc is rejected under the request's id")
    func missingVersion() throws {
        let rejection = try #require(rejected(["id": 3, "method": "m"]))
        #expect(rejection.id == .number(3))
        #expect(rejection.error.code == RPCErrorObject.invalidRequestCode)
        #expect(rejection.error.awsCode == "InvalidRequest")
    }

    @Test(
        "a wrong jsonrpc version is rejected",
        arguments: [.string("1.0"), .string("2"), .string("2.00"), .double(2.0), .int(2), .null] as [JSONValue])
    func wrongVersion(version: JSONValue) throws {
        let rejection = try #require(rejected(["jsonrpc": version, "id": "x", "method": "m"]))
        #expect(rejection.id == .string("x"))
        #expect(rejection.error.code == RPCErrorObject.invalidRequestCode)
    }

    @Test(
        "a method that is not a non-empty string is rejected",
        arguments: [.int(5), "", .null, ["a"], .bool(true)] as [JSONValue])
    func badMethod(method: JSONValue) throws {
        let rejection = try #require(rejected(["jsonrpc": "2.0", "id": 1, "method": method]))
        #expect(rejection.id == .number(1))
        #expect(rejection.error.code == RPCErrorObject.invalidRequestCode)
        #expect(rejection.error.message.contains("method"))
    }

    @Test("a missing method is rejected")
    func missingMethod() throws {
        let rejection = try #require(rejected(["jsonrpc": "2.0", "id": 1]))
        #expect(rejection.error.code == RPCErrorObject.invalidRequestCode)
    }

    @Test(
        "positional (array) params and scalar params are rejected", arguments: [[1, 2], "x", 3, true] as [JSONValue])
    func nonObjectParams(params: JSONValue) throws {
        let rejection = try #require(rejected(["jsonrpc": "2.0", "id": 9, "method": "m", "params": params]))
        #expect(rejection.id == .number(9))
        #expect(rejection.error.code == RPCErrorObject.invalidRequestCode)
        #expect(rejection.error.message.contains("params"))
    }

    @Test(
        "an id that is neither a string nor an integer is rejected with no id",
        arguments: [
            .double(1.5), .bool(true), ["a": 1], [1],
        ] as [JSONValue])
    func badID(id: JSONValue) throws {
        let rejection = try #require(rejected(["jsonrpc": "2.0", "id": id, "method": "m"]))
        #expect(rejection.id == nil)
        #expect(rejection.error.code == RPCErrorObject.invalidRequestCode)
    }

    @Test("a message that is not an object is rejected with no id", arguments: [[1], "req", 1, nil, []] as [JSONValue])
    func notAnObject(value: JSONValue) throws {
        let rejection = try #require(rejected(value))
        #expect(rejection.id == nil)
        #expect(rejection.error.code == RPCErrorObject.invalidRequestCode)
    }
}

@Suite("RPCID")
struct RPCIDTests {
    @Test("numbers and strings convert both ways; other values do not")
    func conversions() {
        #expect(RPCID(.int(4)) == .number(4))
        #expect(RPCID(.string("a")) == .string("a"))
        #expect(RPCID(.double(4)) == nil)
        #expect(RPCID(.null) == nil)
        #expect(RPCID.number(4).json == .int(4))
        #expect(RPCID.string("a").json == .string("a"))
        #expect(RPCID.number(4).description == "4")
    }
}
