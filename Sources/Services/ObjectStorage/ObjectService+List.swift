import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.ListObjectsV2`: keys in UTF-8 byte order from `StartAfter` or the continuation token, those under
    /// `Prefix`, keys that share a part up to `Delimiter` rolled into one common prefix, at most `MaxKeys`
    /// entries (keys and common prefixes) a page.
    public func listObjectsV2(_ request: ListObjectsV2Request) async throws(CloudError) -> ListObjectsV2Result {
        let maxKeys = request.maxKeys ?? 1000
        guard (0...1000).contains(maxKeys) else {
            throw S3Errors.invalidArgument("MaxKeys must be from 0 to 1000 (got \(maxKeys)).")
        }
        let after: String?
        if let token = request.continuationToken {
            guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8) else {
                throw S3Errors.invalidArgument("The continuation token provided is incorrect.")
            }
            after = key
        } else {
            after = request.startAfter
        }
        let prefix = request.prefix ?? ""
        let delimiter = request.delimiter.flatMap { $0.isEmpty ? nil : $0 }
        let (objects, prefixes, truncated, last) = try await database.readOrThrow { db in
            _ = try Self.bucket(request.bucket, in: db)
            return try Self.page(
                bucket: request.bucket, prefix: prefix, delimiter: delimiter, after: after, maxKeys: maxKeys, in: db)
        }
        return ListObjectsV2Result(
            name: request.bucket, prefix: request.prefix, delimiter: request.delimiter, maxKeys: maxKeys,
            keyCount: objects.count + prefixes.count, isTruncated: truncated,
            contents: objects.map {
                S3Object(key: $0.key, lastModified: $0.lastModified, eTag: $0.etag, size: $0.size)
            },
            commonPrefixes: prefixes.map(CommonPrefix.init), continuationToken: request.continuationToken,
            nextContinuationToken: truncated ? last.map { Data($0.utf8).base64EncodedString() } : nil,
            startAfter: request.startAfter)
    }

    /// One page: walks the bucket's keys in order from `after` (through the primary key's index), stopping
    /// at the first key outside `prefix`; a common prefix skips every key under it at once.
    private static func page(
        bucket: String, prefix: String, delimiter: String?, after: String?, maxKeys: Int, in db: Database
    ) throws -> (objects: [ObjectRecord], prefixes: [String], truncated: Bool, last: String?) {
        var objects: [ObjectRecord] = []
        var prefixes: [String] = []
        func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        var cursor = prefix
        var inclusive = true
        if let after, !precedes(after, prefix) {
            cursor = after
            inclusive = false
            // A token that is a common prefix resumes past every key under it.
            if let delimiter, after.hasPrefix(prefix), after.dropFirst(prefix.count).contains(delimiter),
                after.hasSuffix(delimiter)
            {
                cursor = after + "\u{10FFFF}"
            }
        }
        var last: String?
        while true {
            let batch = try ObjectRecord.filter(ObjectRecord.Columns.bucket == bucket)
                .filter(inclusive ? ObjectRecord.Columns.key >= cursor : ObjectRecord.Columns.key > cursor)
                .order(ObjectRecord.Columns.key).limit(256).fetchAll(db)
            guard !batch.isEmpty else { return (objects, prefixes, false, last) }
            for object in batch {
                guard object.key.hasPrefix(prefix) else { return (objects, prefixes, false, last) }
                if objects.count + prefixes.count == maxKeys { return (objects, prefixes, true, last) }
                let rest = object.key.dropFirst(prefix.count)
                if let delimiter, let range = rest.range(of: delimiter) {
                    let common = prefix + rest[..<range.upperBound]
                    prefixes.append(common)
                    last = common
                    // Past every key under the common prefix: keys sort by their UTF-8 bytes, and no key
                    // under it sorts after the prefix followed by the highest scalar.
                    cursor = common + "\u{10FFFF}"
                    inclusive = false
                    break
                }
                objects.append(object)
                last = object.key
                cursor = object.key
                inclusive = false
            }
        }
    }
}
