import Testing

@testable import API

@Suite("RPCErrorObject")
struct RPCErrorObjectTests {
    @Test("a CloudError maps to 1000 + its HTTP status and carries its code in data.code")
    func fromCloudError() {
        let error = RPCErrorObject(CloudError(code: "VolumeInUse", message: "attached"))
        #expect(error.code == 1400)
        #expect(error.message == "attached")
        #expect(error.awsCode == "VolumeInUse")
        #expect(error.json == ["code": 1400, "message": "attached", "data": ["code": "VolumeInUse"]])
    }

    @Test("server faults keep their status", arguments: [(500, 1500), (503, 1503)])
    func serverFaults(status: Int, code: Int) {
        let error = RPCErrorObject(CloudError(code: "InternalError", message: "m", status: status))
        #expect(error.code == code)
        #expect(error.cloudError == CloudError(code: "InternalError", message: "m", status: status))
    }

    @Test("internalError is a 500")
    func internalError() {
        #expect(RPCErrorObject(CloudError.internalError("x")).code == 1500)
    }

    @Test("cloudError recovers the domain fault")
    func backToCloudError() {
        let original = CloudError(code: "InvalidVolume.NotFound", message: "gone")
        #expect(RPCErrorObject(original).cloudError == original)
    }

    @Test("protocol errors map outside the application range to status 400")
    func protocolErrorStatus() {
        let error = RPCErrorObject.invalidParams(.missingParameter("Size"))
        #expect(error.code == RPCErrorObject.invalidParamsCode)
        #expect(error.awsCode == "MissingParameter")
        #expect(error.cloudError?.status == 400)
        #expect(error.cloudError?.code == "MissingParameter")
        #expect(RPCErrorObject(code: -32603, message: "x").cloudError == nil)
    }

    @Test(
        "json round trip",
        arguments: [
            RPCErrorObject(CloudError(code: "IncorrectState", message: "busy")),
            RPCErrorObject.parseError("bad"),
            RPCErrorObject.invalidRequest("no"),
            RPCErrorObject.methodNotFound("ec2.Nope"),
            RPCErrorObject(code: -32603, message: "no aws code"),
        ])
    func jsonRoundTrip(error: RPCErrorObject) throws {
        #expect(RPCErrorObject(json: error.json) == error)
        #expect(RPCErrorObject(json: try JSONParser.parse(error.json.serialized)) == error)
    }

    @Test("an error without an AWS code has no data member")
    func noData() {
        #expect(RPCErrorObject(code: -32603, message: "x").json == ["code": -32603, "message": "x"])
    }

    @Test("init(json:) refuses objects without an integer code and a string message")
    func invalidJSON() {
        #expect(RPCErrorObject(json: ["message": "x"]) == nil)
        #expect(RPCErrorObject(json: ["code": 1, "message": 2]) == nil)
        #expect(RPCErrorObject(json: ["code": "1", "message": "x"]) == nil)
        #expect(RPCErrorObject(json: "error") == nil)
    }

    @Test("the protocol constructors use the JSON-RPC codes")
    func standardCodes() {
        #expect(RPCErrorObject.parseError("x").code == -32700)
        #expect(RPCErrorObject.invalidRequest("x").code == -32600)
        let notFound = RPCErrorObject.methodNotFound("ec2.Nope")
        #expect(notFound.code == -32601)
        #expect(notFound.awsCode == "InvalidAction")
        #expect(notFound.message.contains("ec2.Nope"))
    }

    @Test("description shows the AWS code when there is one")
    func description() {
        #expect(RPCErrorObject(CloudError(code: "A", message: "b")).description == "A: b")
        #expect(RPCErrorObject(code: -32603, message: "b").description == "JSON-RPC error -32603: b")
    }
}
