#if canImport(Glibc)
    import Glibc
#endif

/// Tells a live socket from a stale one before the daemon takes its path.
enum SocketProbe {
    /// Whether something accepts connections on the Unix socket at `path`. A socket file left by a dead
    /// daemon refuses (ECONNREFUSED) and may be replaced; a live one must not be.
    static func isServing(_ path: String) -> Bool {
        guard let address = UnixSocketAddress(path: path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let result = address.withSockaddr { connect(fd, $0, $1) }
        return result == 0
    }
}
