#if canImport(Glibc)
    import Glibc
#endif

enum SocketPermissions {
    /// Sets the socket to 0660: the owner and its group may call the API, nobody else.
    static func restrict(_ path: String) throws {
        guard chmod(path, 0o660) == 0 else {
            throw DaemonError("Could not set the permissions of \(path): \(String(cString: strerror(errno))).")
        }
    }
}
