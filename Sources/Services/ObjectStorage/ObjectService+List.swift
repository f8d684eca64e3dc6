import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.ListObjectsV2`: current objects in UTF-8 byte order of their keys from `StartAfter` or the
    /// continuation token, those under `Prefix`, keys that share a part up to `Delimiter` rolled into one
    /// common prefix, at most `MaxKeys` entries (keys and common prefixes) a page.
    public func listObjectsV2(_ request: ListObjectsV2Request) async throws(CloudError) -> ListObjectsV2Result {
        let maxKeys = try Self.maxKeys(request.maxKeys)
        let after: String?
        if let token = request.continuationToken {
            guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8) else {
                throw S3Errors.invalidArgument("The continuation token provided is incorrect.")
            }
            after = key
        } else {
            after = request.startAfter
        }
        let walk = ListingWalk(prefix: request.prefix ?? "", delimiter: request.delimiter, versions: false)
        let page = try await database.readOrThrow { db in
            _ = try Self.bucket(request.bucket, in: db)
            return try walk.page(bucket: request.bucket, from: walk.start(after: after), maxEntries: maxKeys, in: db)
        }
        return ListObjectsV2Result(
            name: request.bucket, prefix: request.prefix, delimiter: request.delimiter, maxKeys: maxKeys,
            keyCount: page.rows.count + page.prefixes.count, isTruncated: page.truncated,
            contents: page.rows.map {
                S3Object(key: $0.key, lastModified: $0.lastModified, eTag: $0.etag, size: $0.size)
            },
            commonPrefixes: page.prefixes.map(CommonPrefix.init), continuationToken: request.continuationToken,
            nextContinuationToken: page.truncated ? page.lastKey.map { Data($0.utf8).base64EncodedString() } : nil,
            startAfter: request.startAfter)
    }

    /// `s3.ListObjectVersions`: every version and delete marker, by key and newest first within a key, from
    /// after `KeyMarker` (and `VersionIdMarker`, a version of that key), at most `MaxKeys` entries a page.
    public func listObjectVersions(_ request: ListObjectVersionsRequest) async throws(CloudError)
        -> ListObjectVersionsResult
    {
        let maxKeys = try Self.maxKeys(request.maxKeys)
        if request.versionIdMarker != nil, request.keyMarker == nil {
            throw S3Errors.invalidArgument("A version-id marker cannot be specified without a key marker.")
        }
        if let marker = request.versionIdMarker { try ObjectVersions.validate(marker) }
        let walk = ListingWalk(prefix: request.prefix ?? "", delimiter: request.delimiter, versions: true)
        let page = try await database.readOrThrow { db throws -> ListingWalk.Page in
            _ = try Self.bucket(request.bucket, in: db)
            var start = walk.start(after: request.keyMarker)
            if let key = request.keyMarker, let marker = request.versionIdMarker {
                // As S3: a marker that names no version of the key is not valid.
                guard let version = try Self.storedVersion(request.bucket, key, marker, in: db) else {
                    throw S3Errors.invalidVersionId(marker)
                }
                start = ListingWalk.Cursor(key: key, sequence: version.sequence)
            }
            return try walk.page(bucket: request.bucket, from: start, maxEntries: maxKeys, in: db)
        }
        return ListObjectVersionsResult(
            name: request.bucket, prefix: request.prefix, delimiter: request.delimiter, keyMarker: request.keyMarker,
            versionIdMarker: request.versionIdMarker, maxKeys: maxKeys, isTruncated: page.truncated,
            nextKeyMarker: page.truncated ? page.lastKey : nil,
            nextVersionIdMarker: page.truncated ? page.lastVersionId : nil,
            versions: page.rows.filter { !$0.isDeleteMarker }.map {
                ObjectVersion(
                    key: $0.key, versionId: $0.versionId, isLatest: $0.isLatest, lastModified: $0.lastModified,
                    eTag: $0.etag, size: $0.size)
            },
            deleteMarkers: page.rows.filter(\.isDeleteMarker).map {
                DeleteMarkerEntry(
                    key: $0.key, versionId: $0.versionId, isLatest: $0.isLatest, lastModified: $0.lastModified)
            },
            commonPrefixes: page.prefixes.map(CommonPrefix.init))
    }

    /// S3's MaxKeys: 0 to 1,000, 1,000 when absent.
    static func maxKeys(_ value: Int?) throws(CloudError) -> Int {
        let maxKeys = value ?? 1000
        guard (0...1000).contains(maxKeys) else {
            throw S3Errors.invalidArgument("MaxKeys must be from 0 to 1000 (got \(maxKeys)).")
        }
        return maxKeys
    }
}

/// One page of a listing: walks a bucket's rows in key order (UTF-8 bytes) and, within a key, newest version
/// first, from a cursor, through an index; stops at the first key outside `prefix`; a common prefix skips
/// every key under it at once.
struct ListingWalk: Sendable {
    let prefix: String
    let delimiter: String?
    /// Every version and delete marker, rather than the current objects only.
    let versions: Bool

    init(prefix: String, delimiter: String?, versions: Bool) {
        self.prefix = prefix
        self.delimiter = delimiter.flatMap { $0.isEmpty ? nil : $0 }
        self.versions = versions
    }

    /// Where a walk goes on from: the rows of keys after `key`, and those of `key` older than `sequence`.
    struct Cursor {
        var key: String
        var sequence: Int64
    }

    struct Page: Sendable {
        var rows: [ObjectRecord] = []
        var prefixes: [String] = []
        var truncated = false
        /// The last entry's key (or common prefix) and version: where the next page starts.
        var lastKey: String?
        var lastVersionId: String?
    }

    /// The start of a walk from the top of `prefix`, or after the key (or common prefix) `after`.
    func start(after: String?) -> Cursor {
        guard let after, !after.utf8.lexicographicallyPrecedes(prefix.utf8) else {
            return Cursor(key: prefix, sequence: .max)
        }
        // A marker that is a common prefix resumes past every key under it.
        if let delimiter, after.hasPrefix(prefix), after.dropFirst(prefix.count).contains(delimiter),
            after.hasSuffix(delimiter)
        {
            return Cursor(key: after + "\u{10FFFF}", sequence: .min)
        }
        return Cursor(key: after, sequence: .min)
    }

    func page(bucket: String, from start: Cursor, maxEntries: Int, in db: Database) throws -> Page {
        var page = Page()
        var cursor = start
        // Each reads an index in its order (object_versions, object_current): no sort, however big the bucket.
        let sql =
            versions
            ? """
            SELECT * FROM object WHERE bucket = ? AND key >= ? AND NOT (key = ? AND sequence >= ?)
            ORDER BY key, sequence DESC LIMIT 256
            """
            : """
            SELECT * FROM object WHERE bucket = ? AND key >= ? AND NOT (key = ? AND sequence >= ?)
            AND isLatest AND NOT isDeleteMarker ORDER BY key LIMIT 256
            """
        while true {
            let batch = try ObjectRecord.fetchAll(
                db.cachedStatement(sql: sql), arguments: [bucket, cursor.key, cursor.key, cursor.sequence])
            guard !batch.isEmpty else { return page }
            for row in batch {
                guard row.key.hasPrefix(prefix) else { return page }
                if page.rows.count + page.prefixes.count == maxEntries {
                    page.truncated = true
                    return page
                }
                let rest = row.key.dropFirst(prefix.count)
                if let delimiter, let range = rest.range(of: delimiter) {
                    let common = prefix + rest[..<range.upperBound]
                    page.prefixes.append(common)
                    (page.lastKey, page.lastVersionId) = (common, nil)
                    // Past every key under the common prefix: keys sort by their UTF-8 bytes, and no key
                    // under it sorts after the prefix followed by the highest scalar.
                    cursor = Cursor(key: common + "\u{10FFFF}", sequence: .min)
                    break
                }
                page.rows.append(row)
                (page.lastKey, page.lastVersionId) = (row.key, row.versionId)
                cursor = Cursor(key: row.key, sequence: row.sequence)
            }
        }
    }
}
