import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A listening TCP socket bound inside a network namespace, for a server of the daemon's (the instance
/// metadata service) that answers from there. A socket keeps the namespace it was made in, so a short-lived
/// thread enters the namespace, makes the socket, and ends; the daemon's other threads never leave their own.
public enum NamespaceSocket {
    /// Binds `address:port` in the namespace mounted at `namespacePath`; returns the listening descriptor.
    public static func listen(namespacePath: String, address: String, port: UInt16) throws(NetworkError) -> Int32 {
        let box = ResultBox()
        let thread = Thread {
            box.result = Result { () throws(NetworkError) -> Int32 in
                try makeSocket(namespacePath: namespacePath, address: address, port: port)
            }
            box.done.signal()
        }
        thread.start()
        box.done.wait()
        return try box.result!.get()
    }

    private final class ResultBox: @unchecked Sendable {
        var result: Result<Int32, NetworkError>?
        let done = DispatchSemaphore(value: 0)
    }

    /// Runs on a thread of its own, which it leaves in the namespace: the thread ends right after.
    private static func makeSocket(namespacePath: String, address: String, port: UInt16) throws(NetworkError)
        -> Int32
    {
        let what = "listen on \(address):\(port) in \(namespacePath)"
        let namespace = open(namespacePath, O_RDONLY | O_CLOEXEC)
        guard namespace >= 0 else { throw failure(what, "open") }
        defer { close(namespace) }
        guard systemSetns(namespace, cloneNewNet) == 0 else { throw failure(what, "setns") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(what, "socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        // Bound even if the address is not (yet) on the bridge: the next apply puts it there.
        setsockopt(fd, Int32(IPPROTO_IP), 15 /* IP_FREEBIND */, &yes, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
            close(fd)
            throw .commandFailed(command: what, reason: "\(address) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound, Glibc.listen(fd, 128) == 0 else {
            let error = failure(what, "bind")
            close(fd)
            throw error
        }
        return fd
    }

    /// glibc's `setns(2)`, which its module map leaves out (it is declared only under `_GNU_SOURCE`).
    @_silgen_name("setns")
    private static func systemSetns(_ fd: Int32, _ type: Int32) -> Int32

    /// `CLONE_NEWNET` of <sched.h>, hidden with `setns`.
    private static let cloneNewNet: Int32 = 0x4000_0000

    private static func failure(_ what: String, _ call: String) -> NetworkError {
        .commandFailed(command: what, reason: "\(call): \(String(cString: strerror(errno)))")
    }
}
