import API
import Foundation
import IaasTesting
import Testing

/// The HTTP listener is opt-in, refuses to be reachable from other hosts without credentials, and bad or
/// slow clients get errors or a closed connection while everyone else is served.
@Suite("HTTP listener")
struct HTTPListenerTests {
    /// An unsigned SQS JSON request, `Connection: close`, so the whole response can be read to its end.
    private func listQueues(extraHeaders: String = "", body: String = "{}") -> String {
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonSQS.ListQueues\r\n"
            + "Content-Type: application/x-amz-json-1.0\r\nContent-Length: \(body.utf8.count)\r\n" + extraHeaders
            + "Connection: close\r\n\r\n" + body
    }

    /// The status line and body of one exchange on a new connection.
    private func exchange(_ port: Int, _ request: String) throws -> (status: String, body: String) {
        let socket = try RawSocket(loopbackPort: port)
        socket.send(request)
        let text = String(decoding: socket.readToEnd(), as: UTF8.self)
        let status = text.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }

    @Test func theListenerIsOffUnlessAskedFor() async throws {
        let fixture = try await DaemonFixture.start()
        #expect(try await fixture.client.call(Methods.status, NoParams()).httpEndpoint == nil)
        let status = try await iaasctl(["status"], socket: fixture.daemon.socketPath)
        #expect(status.stdout.contains("http-endpoint         -"), "\(status.stdout)")
    }

    @Test func anAddressOtherHostsReachNeedsCredentialsThatAreTheOwnersAlone() async throws {
        let directory = try TemporaryDirectory(prefix: "iaas-http-refusal")
        defer { directory.remove() }
        let binary = try DaemonProcess.binary()
        let open = try await CommandRun.run(
            binary, DaemonProcess.isolated(["--data-dir", directory.path + "/a", "--http", "0.0.0.0:0"]))
        #expect(open.status != 0)
        #expect(open.stderr.contains("give --credentials, or listen on 127.0.0.1"), "\(open.stderr)")

        let loose = directory.path + "/loose.json"
        try Data(#"{"AKIDLOOSE": "secret"}"#.utf8).write(to: URL(fileURLWithPath: loose))
        chmod(loose, 0o644)
        let readable = try await CommandRun.run(
            binary,
            DaemonProcess.isolated([
                "--data-dir", directory.path + "/b", "--http", "127.0.0.1:0", "--credentials", loose,
            ]))
        #expect(readable.status != 0)
        #expect(readable.stderr.contains("chmod 600"), "\(readable.stderr)")

        let garbage = directory.path + "/garbage.json"
        try Data("AKID secret".utf8).write(to: URL(fileURLWithPath: garbage))
        chmod(garbage, 0o600)
        let unreadable = try await CommandRun.run(
            binary,
            DaemonProcess.isolated([
                "--data-dir", directory.path + "/c", "--http", "127.0.0.1:0", "--credentials", garbage,
            ]))
        #expect(unreadable.status != 0)
        #expect(unreadable.stderr.contains("is not JSON"), "\(unreadable.stderr)")

        let alone = try await CommandRun.run(
            binary, DaemonProcess.isolated(["--data-dir", directory.path + "/d", "--credentials", loose]))
        #expect(alone.status != 0)
        #expect(alone.stderr.contains("give --http too"), "\(alone.stderr)")

        let malformed = try await CommandRun.run(
            binary, DaemonProcess.isolated(["--data-dir", directory.path + "/e", "--http", "4566"]))
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("ADDRESS:PORT"), "\(malformed.stderr)")
    }

    @Test func withoutCredentialsUnsignedRequestsAreServed() async throws {
        let http = try await HTTPFixture.start(credentials: false)
        let reply = try exchange(http.port, listQueues())
        #expect(reply.status == "HTTP/1.1 200 OK", "\(reply)")
        #expect(reply.body == #"{"QueueUrls":[]}"#, "\(reply)")
    }

    /// Without credentials nothing is verified, so a web page must not be able to reach the endpoint through
    /// the browser: a form POST that would terminate instances is refused when it names its page.
    @Test func withoutCredentialsRequestsFromWebPagesAreRefused() async throws {
        let http = try await HTTPFixture.start(credentials: false)
        let form = "Action=DescribeRegions&Version=2016-11-15"
        func post(_ extra: String) -> String {
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: \(form.utf8.count)\r\n\(extra)Connection: close\r\n\r\n\(form)"
        }
        let fromPage = try exchange(http.port, post("Origin: http://attacker.example\r\n"))
        #expect(fromPage.status == "HTTP/1.1 403 Forbidden", "\(fromPage)")
        #expect(fromPage.body.contains("AccessDenied") && fromPage.body.contains("--credentials"), "\(fromPage)")
        let reset = try exchange(
            http.port,
            "POST /_iaas/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: null\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        #expect(reset.status == "HTTP/1.1 403 Forbidden", "\(reset)")
        let fromSDK = try exchange(http.port, post(""))
        #expect(fromSDK.status == "HTTP/1.1 200 OK", "\(fromSDK)")
        #expect(fromSDK.body.contains("<regionName>us-east-1</regionName>"), "\(fromSDK)")
    }

    @Test func oversizedHeadersAndBodiesAreRefusedAndTheDaemonKeepsServing() async throws {
        let http = try await HTTPFixture.start(credentials: false)
        let huge = "X-Padding: " + String(repeating: "a", count: 200 * 1024) + "\r\n"
        let headers = try exchange(http.port, listQueues(extraHeaders: huge))
        #expect(!headers.status.contains("200"), "a 200 KiB header was accepted: \(headers.status)")

        // The body is refused from its declared length, before a byte of it is read.
        let socket = try RawSocket(loopbackPort: http.port)
        socket.send(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonSQS.ListQueues\r\n"
                + "Content-Length: \(64 << 20)\r\nConnection: close\r\n\r\n{")
        let tooLarge = String(decoding: socket.readToEnd(), as: UTF8.self)
        #expect(tooLarge.hasPrefix("HTTP/1.1 413"), "\(tooLarge.prefix(200))")
        #expect(tooLarge.contains("RequestEntityTooLarge;Sender"), "\(tooLarge)")

        let after = try exchange(http.port, listQueues())
        #expect(after.status == "HTTP/1.1 200 OK", "\(after)")
    }

    @Test func slowClientsAreClosedAndDoNotHoldUpOthers() async throws {
        let http = try await HTTPFixture.start(credentials: false, arguments: ["--http-idle-timeout", "10"])
        // Forty clients that start a request and never finish its headers.
        let slow = try (0..<40).map { _ in try RawSocket(loopbackPort: http.port) }
        for socket in slow { socket.send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Tar") }
        let started = ContinuousClock.now
        let reply = try exchange(http.port, listQueues())
        #expect(reply.status == "HTTP/1.1 200 OK", "\(reply)")
        // Served at once, not after the slow ones time out (a margin for a loaded host).
        #expect(ContinuousClock.now - started < .seconds(8))
        // Each slow one is closed once the idle timeout has passed without a complete request.
        let closing = ContinuousClock.now
        for socket in slow { _ = socket.readToEnd() }
        #expect(ContinuousClock.now - closing < .seconds(25))
        #expect(try exchange(http.port, listQueues()).status == "HTTP/1.1 200 OK")
    }
}
