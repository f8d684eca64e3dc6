/// The result of `daemon.Scrub`: every copy of every blob that S3 objects and uploads refer to, in every
/// zone of its region, read back and hashed; the copies found missing or corrupt were rewritten from a good
/// one.
public struct ScrubResult: Codable, Sendable, Equatable {
    /// Distinct blobs checked.
    public var blobsChecked: Int
    /// Zone copies read and hashed (or found absent).
    public var copiesChecked: Int
    /// Copies a zone did not hold (a lost directory, a write a crash cut short).
    public var copiesMissing: Int
    /// Copies whose bytes no longer match their SHA-256.
    public var copiesCorrupt: Int
    /// Missing or corrupt copies written again from a good one.
    public var copiesRepaired: Int
    /// Blobs of which no zone holds a good copy: the objects using them cannot be read whole.
    public var blobsLost: [String]
    /// Bytes read.
    public var bytesRead: Int64
    public var durationSeconds: Double

    public init(
        blobsChecked: Int = 0, copiesChecked: Int = 0, copiesMissing: Int = 0, copiesCorrupt: Int = 0,
        copiesRepaired: Int = 0, blobsLost: [String] = [], bytesRead: Int64 = 0, durationSeconds: Double = 0
    ) {
        self.blobsChecked = blobsChecked
        self.copiesChecked = copiesChecked
        self.copiesMissing = copiesMissing
        self.copiesCorrupt = copiesCorrupt
        self.copiesRepaired = copiesRepaired
        self.blobsLost = blobsLost
        self.bytesRead = bytesRead
        self.durationSeconds = durationSeconds
    }
}
