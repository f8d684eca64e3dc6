import API
import IaasTesting
import Testing

/// `POST /_iaas/reset`: off unless `--http-reset`; then, signed, every resource goes
/// (`Tests/Conformance/reset_test.py`, with a real guest to terminate).
@Suite("Reset over HTTP")
struct ResetTests {
    @Test func theResetIsOffUnlessAskedForAndChangesNothing() async throws {
        let http = try await HTTPFixture.start(credentials: false)
        try await http.fixture.client.createBucket("kept")
        let socket = try RawSocket(loopbackPort: http.port)
        socket.send("POST /_iaas/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let reply = String(decoding: socket.readToEnd(), as: UTF8.self)
        #expect(reply.hasPrefix("HTTP/1.1 403"), "\(reply)")
        #expect(reply.contains("AccessDenied") && reply.contains("--http-reset"), "\(reply)")
        let buckets = try await http.fixture.client.call(Methods.listBuckets, NoParams()).buckets.map(\.name)
        #expect(buckets == ["kept"])
    }

    @Test func aSignedResetDeletesEveryResourceAndTheCloudKeepsServing() async throws {
        try await GuestLease.exclusive {
            let http = try await HTTPFixture.start(
                arguments: ["--http-reset", "--image-directory", try GuestImage.directory()])
            try await http.expectConformance("reset_test.py")
        }
    }
}
