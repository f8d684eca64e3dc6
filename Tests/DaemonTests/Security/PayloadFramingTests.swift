import API
import Foundation
import IaasTesting
import Testing

/// The N bytes after a line that announces a payload are payload, whatever else is wrong with the line: they
/// are consumed and dropped, or the connection is closed, and never run as requests. Each payload here is a
/// valid `ec2.DeleteVolume` of the daemon's one volume, which must survive (`withDaemon` checks the rows
/// and files after each test).
extension BadInputTests {
    /// A payload that would delete the daemon's volume if it were ever read as a message.
    private func deletingPayload(_ fixture: DaemonFixture) async throws -> [UInt8] {
        let volume = try #require(try await fixture.client.volumeIds().first)
        return Array(request("ec2.DeleteVolume", #"{"VolumeId":"\#(volume)"}"#, id: 99).utf8)
    }

    private func status(id: Int) -> String { request("daemon.Status", id: id) }

    @Test func aBatchAnnouncingAPayloadIsRefusedAfterTheBytesAreDropped() async throws {
        try await withDaemon { fixture in
            let payload = try await deletingPayload(fixture)
            let socket = try RawSocket(path: fixture.daemon.socketPath)
            socket.send(
                #"[{"jsonrpc":"2.0","id":1,"method":"daemon.Status","params":{"Body":{"$bytes":\#(payload.count)}}}]"#
                    + "\n")
            socket.send(payload)
            socket.send(status(id: 7))
            let refusal = try await socket.nextMessage()
            #expect(errorOf(refusal).code == -32600)
            #expect(errorOf(refusal).message?.contains("discarded") == true)
            // The delete inside the payload is not answered (it never ran); the next request is.
            #expect(try await socket.nextMessage()?["id"] == 7)
        }
    }

    @Test func aMethodThatTakesNoPayloadRefusesItAndTheConnectionGoesOn() async throws {
        try await withDaemon { fixture in
            let payload = try await deletingPayload(fixture)
            let socket = try RawSocket(path: fixture.daemon.socketPath)
            for method in ["daemon.Status", "ec2.DescribeVolumes", "ec2.NoSuchAction"] {
                socket.send(request(method, #"{"Body":{"$bytes":\#(payload.count)}}"#, id: 1))
                socket.send(payload)
                let reply = try await socket.nextMessage()
                #expect(reply?["id"] == 1, "\(method)")
                #expect(errorOf(reply).code == -32602 || errorOf(reply).code == -32601, "\(method)")
            }
            socket.send(status(id: 7))
            #expect(try await socket.nextMessage()?["id"] == 7)
        }
    }

    @Test(arguments: [
        #"{"A":{"$bytes":N},"B":{"$bytes":N}}"#, #"{"Body":{"$bytes":-1}}"#, #"{"Body":{"$bytes":N.5}}"#,
        #"{"Body":{"$bytes":"N"}}"#, #"{"Body":{"$bytes":99999999999999999999999999}}"#,
        #"{"Body":{"$bytes":6442450944}}"#, #"{"Body":{"$bytes":N},"#,
    ])
    func aMarkerWhoseLengthCannotBeKnownClosesTheConnection(params: String) async throws {
        try await withDaemon { fixture in
            let payload = try await deletingPayload(fixture)
            let socket = try RawSocket(path: fixture.daemon.socketPath)
            let line =
                #"{"jsonrpc":"2.0","id":1,"method":"daemon.Status","params":"#
                + params.replacingOccurrences(of: "N", with: "\(payload.count)") + "}\n"
            socket.send(line)
            socket.send(payload)
            socket.send(status(id: 7))
            let reply = try await socket.nextMessage()
            #expect(errorOf(reply).code == -32600 || errorOf(reply).code == -32700, "\(params)")
            #expect(errorOf(reply).message?.contains("closed") == true, "\(params)")
            #expect(try await socket.nextLine() == nil, "nothing after the broken line is answered: \(params)")
        }
    }
}
