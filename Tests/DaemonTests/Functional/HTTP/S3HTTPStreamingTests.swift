import API
import Crypto
import Foundation
import IaasTesting
import Testing

/// Bodies stream through the HTTP listener as through the socket: a quarter gibibyte PUT and GET take a few
/// MiB of the daemon's memory, and a client gone mid-body leaves no object and no temporary file.
@Suite("S3 over HTTP: streaming")
struct S3HTTPStreamingTests {
    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The response head of a request whose answer has no body worth keeping, and the socket to read on.
    private static func head(_ socket: RawSocket) throws -> (status: String, headers: [String: String]) {
        var lines: [String] = []
        while let line = try socket.readLine() {
            let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if trimmed.isEmpty { break }
            lines.append(trimmed)
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return (lines.first ?? "", headers)
    }

    @Test func aQuarterGibibyteGoesUpAndDownInBoundedMemory() async throws {
        let http = try await HTTPFixture.start(credentials: false)
        try await http.fixture.client.createBucket("big")
        let length = 256 << 20
        let before = ProcStatus.kibibytes(http.fixture.daemon.pid, "VmHWM:")

        let put = try RawSocket(loopbackPort: http.port)
        put.send("PUT /big/blob HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(length)\r\n\r\n")
        var md5 = Insecure.MD5()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        for offset in stride(from: 0, to: length, by: chunk.count) {
            chunk.withUnsafeMutableBytes { TestBytes.fill($0, at: offset) }
            md5.update(data: chunk)
            #expect(put.send(chunk))
        }
        let expected = "\"" + Self.hex(md5.finalize()) + "\""
        let stored = try Self.head(put)
        #expect(stored.status == "HTTP/1.1 200 OK", "\(stored)")
        #expect(stored.headers["etag"] == expected)

        let get = try RawSocket(loopbackPort: http.port)
        get.send("GET /big/blob HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let answer = try Self.head(get)
        #expect(answer.headers["content-length"] == String(length))
        var readBack = Insecure.MD5()
        var received = 0
        while true {
            let bytes = get.readAvailable()
            if bytes.isEmpty { break }
            readBack.update(data: bytes)
            received += bytes.count
        }
        #expect(received == length)
        #expect("\"" + Self.hex(readBack.finalize()) + "\"" == expected)
        let peak = ProcStatus.kibibytes(http.fixture.daemon.pid, "VmHWM:")
        #expect(peak - before < 64 << 10, "the daemon's peak RSS grew by \(peak - before) KiB")
    }

    @Test func aClientGoneMidBodyLeavesNothing() async throws {
        let http = try await HTTPFixture.start(credentials: false)
        let client = http.fixture.client
        try await client.createBucket("data")
        do {
            // Closed when it goes out of scope, 100 kB into a 1 MiB body.
            let socket = try RawSocket(loopbackPort: http.port)
            socket.send(
                "PUT /data/half HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1048576\r\n\r\n"
                    + String(repeating: "x", count: 100_000))
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(await awsCode { _ = try await client.getObject("data", "half") } == "NoSuchKey")
        for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] {
            #expect(http.fixture.inspector.blobTemporaries(zone: zone).isEmpty)
        }
        // The daemon goes on serving.
        try await client.putObject("data", "kept", Array("kept".utf8))
        #expect(try await client.getObject("data", "kept").1 == Array("kept".utf8))
    }
}
