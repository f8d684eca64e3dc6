import API
import Store

extension ObjectService {
    /// S3's checksum algorithms, strongest last, by the `x-amz-checksum-*` name a front verified them under.
    static let checksumAlgorithms: [(trailer: String, name: String)] = [
        ("x-amz-checksum-crc32", "CRC32"), ("x-amz-checksum-crc32c", "CRC32C"),
        ("x-amz-checksum-crc64nvme", "CRC64NVME"), ("x-amz-checksum-sha1", "SHA1"),
        ("x-amz-checksum-sha256", "SHA256"),
    ]

    /// The checksum to keep with an object: the one the front verified over its whole body (a client sends
    /// one; of several, the strongest), or none.
    static func checksum(verified trailers: [String: String]) -> (algorithm: String?, value: String?) {
        for (trailer, name) in checksumAlgorithms.reversed() {
            if let value = trailers[trailer] { return (name, value) }
        }
        return (nil, nil)
    }

    /// GetObject's and HeadObject's checksum members, when asked for (`ChecksumMode: ENABLED`) and the whole
    /// object is read: a range has no checksum of its own.
    static func reveal(_ object: ObjectRecord, in result: inout GetObjectResult, mode: String?, ranged: Bool) {
        guard mode?.uppercased() == "ENABLED", !ranged, let algorithm = object.checksumAlgorithm,
            let value = object.checksumValue
        else { return }
        switch algorithm {
        case "CRC32": result.checksumCRC32 = value
        case "CRC32C": result.checksumCRC32C = value
        case "CRC64NVME": result.checksumCRC64NVME = value
        case "SHA1": result.checksumSHA1 = value
        case "SHA256": result.checksumSHA256 = value
        default: return
        }
        result.checksumType = "FULL_OBJECT"
    }
}
