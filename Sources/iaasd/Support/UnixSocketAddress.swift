#if canImport(Glibc)
    import Glibc
#endif

/// A `sockaddr_un` for a path, for the few raw socket calls the daemon makes outside NIO.
struct UnixSocketAddress {
    private var address = sockaddr_un()
    private let pathLength: Int

    /// nil when the path does not fit in `sun_path`. A leading `@` names an abstract socket (Linux), whose
    /// name starts with a NUL byte, as systemd's `$NOTIFY_SOCKET` may.
    init?(path: String) {
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        pathLength = bytes.count
    }

    /// Calls `body` with the address and its exact length.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = self.address
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathLength)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
