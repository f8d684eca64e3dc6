import API
import Foundation
import IaasTesting
import Testing

@Suite("JSON-RPC protocol")
struct ProtocolTests {
    @Test func batchesAreAnsweredAsOneArrayWithoutNotifications() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = try RawSocket(path: fixture.daemon.socketPath)
        socket.send(
            #"[{"jsonrpc":"2.0","id":1,"method":"daemon.Status"},{"jsonrpc":"2.0","method":"daemon.Status"},"#
                + #"{"jsonrpc":"2.0","id":"b","method":"ec2.Nope"},{"jsonrpc":"2.0","id":3,"method":"ec2.DescribeRegions"}]"#
                + "\n")
        guard case .array(let responses) = try await socket.nextMessage() else {
            Issue.record("a batch is answered with an array")
            return
        }
        #expect(responses.map { $0["id"] } == [1, "b", 3])
        #expect(responses[1]["error"]?["code"] == -32601)
        #expect(responses[2]["result"]?["Regions"] != nil)
        // A batch of notifications only gets no answer; the next request is answered normally.
        socket.send(#"[{"jsonrpc":"2.0","method":"daemon.Status"}]"# + "\n")
        socket.send(#"{"jsonrpc":"2.0","id":9,"method":"daemon.Status"}"# + "\n")
        #expect(try await socket.nextMessage()?["id"] == 9)
        await fixture.stop()
    }

    @Test func manyRequestsInFlightOnOneConnectionAreAllAnswered() async throws {
        let fixture = try await DaemonFixture.start()
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<200 {
                group.addTask {
                    index % 4 == 0
                        ? try await fixture.client.createVolume(size: 1).volumeId
                        : String(try await fixture.client.call(Methods.status).pid)
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results.count == 200)
        #expect(Set(results.filter { $0.hasPrefix("vol-") }).count == 50)
        await fixture.stop()
    }

    @Test func aBinaryPayloadIsReadExactlyAndFramingHolds() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = try RawSocket(path: fixture.daemon.socketPath)
        // The payload contains newlines and JSON-looking bytes; they must not be read as messages.
        var payload = Array(#"{"jsonrpc":"2.0","id":666,"method":"ec2.DeleteVolume"}"#.utf8) + [10, 10]
        payload += (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        socket.send(
            #"{"jsonrpc":"2.0","id":1,"method":"daemon.Status","params":{"Body":{"$bytes":\#(payload.count)}}}"# + "\n")
        socket.send(payload)
        socket.send(#"{"jsonrpc":"2.0","id":2,"method":"daemon.Status"}"# + "\n")
        // Responses may come in any order; match them by id.
        var byID: [JSONValue: JSONValue] = [:]
        for _ in 0..<2 {
            let message = try #require(try await socket.nextMessage())
            byID[message["id"] ?? .null] = message
        }
        #expect(byID[1]?["error"]?["code"] == -32602)
        #expect(byID[1]?["error"]?["message"]?.stringValue?.contains("\(payload.count) bytes") == true)
        #expect(byID[2]?["result"] != nil)
        await fixture.stop()
    }

    @Test func theClientReportsADaemonThatIsNotRunning() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            _ = try await IaasClient.connect(socketPath: directory.path + "/none.sock")
            Issue.record("connecting to nothing must fail")
        } catch let error as IaasClientError {
            #expect("\(error)".contains("iaasd is not running"))
        }
    }
}
