import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Tells systemd (a `Type=notify` unit) when the daemon is ready and when it stops, through the datagram
/// socket named by `$NOTIFY_SOCKET`. Does nothing when that variable is unset.
enum SystemdNotifier {
    static func notify(_ state: String) {
        guard let path = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !path.isEmpty else { return }
        guard let address = UnixSocketAddress(path: path) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let message = Array(state.utf8)
        _ = address.withSockaddr { pointer, length in
            message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, pointer, length) }
        }
    }
}
