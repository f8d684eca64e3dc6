import API
import Foundation
import IaasTesting
import Testing

/// A daemon that also serves AWS's protocols on a loopback port the system chose, with one access key.
final class HTTPFixture: Sendable {
    static let accessKey = "AKIAIAASTEST0000001"
    static let secret = "iaas-test-secret/with+symbols"

    let fixture: DaemonFixture
    /// `http://127.0.0.1:<port>`.
    let endpoint: String

    var port: Int { Int(endpoint.split(separator: ":").last ?? "") ?? 0 }

    private init(fixture: DaemonFixture, endpoint: String) {
        self.fixture = fixture
        self.endpoint = endpoint
    }

    /// - Parameter credentials: require signatures with the fixture's key (else any key is accepted).
    static func start(credentials: Bool = true, arguments: [String] = []) async throws -> HTTPFixture {
        let setup = try TemporaryDirectory(prefix: "iaas-http")
        let file = setup.path + "/credentials.json"
        try Data(#"{"\#(accessKey)": "\#(secret)"}"#.utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
        let fixture = try await DaemonFixture.start(
            arguments: ["--http", "127.0.0.1:0", "--sqs-no-cooldowns"] + (credentials ? ["--credentials", file] : [])
                + arguments)
        setup.remove()
        for _ in 0..<100 {
            if let endpoint = try await fixture.client.call(Methods.status, NoParams()).httpEndpoint {
                return HTTPFixture(fixture: fixture, endpoint: endpoint)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HTTPFixtureError(description: "the HTTP listener did not report its endpoint")
    }

    /// Runs a suite of `Tests/Conformance` against this endpoint and expects every test of it to have run and
    /// passed (unittest prints its verdict last).
    func expectConformance(_ script: String, settings: [String: String] = [:]) async throws {
        let run = try await ConformanceSuite.run(
            script, endpoint: endpoint, accessKey: Self.accessKey, secret: Self.secret, settings: settings)
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
        #expect(run.stderr.contains("\nOK"), "\(run.stderr)")
        #expect(!run.stderr.contains("skipped"), "\(run.stderr)")
    }
}

struct HTTPFixtureError: Error, CustomStringConvertible {
    var description: String
}
