import API
import Foundation

/// An HTTP `Range` header's single byte range (`bytes=0-99`, `bytes=100-`, `bytes=-100`), resolved against
/// an object's size as S3 does: a range past the end is clipped; one that starts past the end, or a suffix
/// of zero bytes, is not satisfiable (InvalidRange); a header S3 would ignore (several ranges, another
/// unit, bad syntax) reads the whole object.
struct ByteRange: Equatable {
    let first: Int64
    /// Inclusive.
    let last: Int64

    var count: Int64 { last - first + 1 }

    /// nil: the whole object.
    static func resolve(_ header: String?, size: Int64) throws(CloudError) -> ByteRange? {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6)
        guard let dash = spec.firstIndex(of: "-") else { return nil }
        let start = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let end = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if start.isEmpty {
            guard let suffix = Int64(end) else { return nil }
            guard suffix > 0, size > 0 else { throw S3Errors.invalidRange(header, size: size) }
            return ByteRange(first: max(0, size - suffix), last: size - 1)
        }
        guard let first = Int64(start), first >= 0 else { return nil }
        let last: Int64
        if end.isEmpty {
            last = size - 1
        } else {
            guard let value = Int64(end), value >= first else { return nil }
            last = min(value, size - 1)
        }
        guard first < size else { throw S3Errors.invalidRange(header, size: size) }
        return ByteRange(first: first, last: last)
    }
}
