#if canImport(Glibc)
    import Glibc
#endif

/// Puts the API socket in place with its final mode and group from the instant it is reachable.
///
/// `bind(2)` creates the socket file with the process umask, and a chmod afterwards leaves an instant when
/// it is wider than 0660. So the socket is bound inside a fresh private directory (0700) next to its path,
/// given mode 0660 and its group there, and only then renamed into place: whoever can open the path sees
/// the final permissions. The rename also replaces a stale socket atomically.
enum SocketPermissions {
    /// The socket's mode: its owner and its group may call the API, nobody else.
    static let mode: mode_t = 0o660

    /// A private directory in which to bind, in the socket's own directory so that the rename stays on one
    /// file system.
    static func privateBindPath(for path: String) throws -> (directory: String, socket: String) {
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let template = (parent.isEmpty ? "" : parent) + "/.iaasd-bind-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = bytes.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw DaemonError("Cannot make a directory beside \(path) to bind in: \(String(cString: strerror(errno))).")
        }
        let directory = String(cString: made)
        return (directory, directory + "/s")
    }

    /// Sets the bound socket's mode and group, moves it to `path` and removes the private directory.
    static func publish(_ bound: String, directory: String, at path: String, group: gid_t?) throws {
        defer { rmdir(directory) }
        guard chmod(bound, mode) == 0 else {
            throw DaemonError("Could not set the permissions of \(path): \(String(cString: strerror(errno))).")
        }
        if let group, chown(bound, uid_t.max, group) != 0 {
            throw DaemonError("Could not give \(path) to group \(group): \(String(cString: strerror(errno))).")
        }
        guard rename(bound, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(bound)
            throw DaemonError("Could not put the socket at \(path): \(reason).")
        }
    }

    /// Removes what a failed bind left.
    static func discard(directory: String) {
        unlink(directory + "/s")
        rmdir(directory)
    }

    /// The id of a group named on the command line (a name or a number).
    static func groupID(named name: String) -> gid_t? {
        if let number = gid_t(name) { return number }
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }
}
