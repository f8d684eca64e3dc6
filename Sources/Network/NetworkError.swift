/// Failures of the data plane, with what a person needs to act on them (Services turn them into AWS
/// internal errors; the reconciler retries at the next change or start).
public enum NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A host tool (`ip`, `nft`, `dnsmasq`, `nsenter`) could not be run, or it refused.
    case commandFailed(command: String, reason: String)
    /// A file of the data plane (dnsmasq's configuration or hosts) could not be written.
    case fileFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .commandFailed(let command, let reason): "`\(command)` failed: \(reason)"
        case .fileFailed(let path, let reason): "could not write \(path): \(reason)"
        }
    }
}
