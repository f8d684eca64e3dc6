import Synchronization

/// What a front verified of a payload by the time its last byte came (S3's `x-amz-checksum-crc32` and its
/// kind, base64, from a header or an aws-chunked trailer), for the service to keep with what it stores. Set
/// before the payload finishes, so a reader that reached the end sees them.
public final class PayloadTrailers: Sendable {
    private let values = Mutex<[String: String]>([:])

    public init() {}

    /// Every trailer, by lowercased name.
    public var all: [String: String] { values.withLock { $0 } }

    func set(_ trailers: [String: String]) {
        values.withLock { $0 = trailers }
    }
}
