/// A reason the daemon cannot start, written for the operator who reads it.
struct DaemonError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
