import API
import Foundation

/// A blocking Unix-socket connection that sends exactly the bytes it is given, for tests of what a
/// misbehaving client can do.
public final class RawSocket: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let fd: Int32
    private var buffered: [UInt8] = []

    public init(path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        fd = try Self.connect(AF_UNIX, to: address, naming: path, timeoutSeconds: 20)
    }

    /// A TCP connection to a loopback port (the HTTP listener, a guest's forwarded port).
    public init(loopbackPort port: Int, timeoutSeconds: Int = 20) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        fd = try Self.connect(AF_INET, to: address, naming: "127.0.0.1:\(port)", timeoutSeconds: timeoutSeconds)
    }

    /// A connected socket of `family` whose reads give up after `timeoutSeconds` without a byte.
    private static func connect<Address>(
        _ family: Int32, to address: Address, naming name: String, timeoutSeconds: Int
    ) throws -> Int32 {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = address
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect \(name): errno \(errno)")
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// What has arrived: the bytes already buffered, else one read's worth; empty once the peer has closed.
    public func readAvailable() -> [UInt8] {
        if !buffered.isEmpty {
            defer { buffered = [] }
            return buffered
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(chunk[0..<count]) }
            if count < 0 && errno == EINTR { continue }
            return []
        }
    }

    /// Everything the peer sends until it closes the connection (or 20 s pass without a byte).
    public func readToEnd() -> [UInt8] {
        var received = buffered
        buffered = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[0..<count]
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return received
            }
        }
    }

    deinit {
        close(fd)
    }

    /// Sends all of `bytes`; false if the peer closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends what the socket takes now without waiting: the count sent (0 when its buffer is full), or -1
    /// when the peer closed the connection.
    public func sendWithoutBlocking(_ bytes: [UInt8]) -> Int {
        let sent = bytes.withUnsafeBytes {
            Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
        if sent >= 0 { return sent }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1
    }

    /// Reads one line (without the newline); nil when the peer closed the connection first.
    public func readLine() throws -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return nil }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return nil }
                throw Failure(description: "recv: errno \(errno)")
            }
            buffered += chunk[..<count]
        }
    }

    /// Reads one line and parses it as JSON.
    public func readMessage() throws -> JSONValue? {
        guard let line = try readLine() else { return nil }
        return try JSONParser.parse(Array(line.utf8))
    }

    /// `readLine`, waited for off Swift's cooperative pool: it blocks until a line, the end or its 20 s
    /// timeout, and the pool has only a thread per core for every test of the run.
    public func nextLine() async throws -> String? {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try self.readLine() }) }
        }
    }

    /// `readMessage`, waited for off the cooperative pool.
    public func nextMessage() async throws -> JSONValue? {
        guard let line = try await nextLine() else { return nil }
        return try JSONParser.parse(Array(line.utf8))
    }

    /// Half-closes the sending side.
    public func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }
}
