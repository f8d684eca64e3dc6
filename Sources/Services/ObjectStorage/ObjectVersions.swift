import API
import Foundation
import GRDB
import Store

/// How a key's versions change, inside a write transaction: S3's rules for buckets whose versioning is
/// off (only `null` versions, replaced in place), on (every write a new version, deletes leave a marker),
/// or suspended (writes replace the `null` version, which becomes the latest; older versions stay).
enum ObjectVersions {
    static let enabled = "Enabled"
    static let suspended = "Suspended"

    /// Stores `object` (with its chunks and tags) as its key's latest version, under a new version id when
    /// versioning is on, else as the `null` version (replacing an earlier one); returns it as stored.
    static func install(
        _ object: ObjectRecord, chunks: [(digest: String, size: Int64)], tags: [S3Tag], versioning: String?,
        in db: Database
    ) throws(CloudError) -> ObjectRecord {
        var stored = object
        stored.versionId = versioning == enabled ? newVersionId() : ObjectRecord.nullVersion
        stored.isLatest = true
        try db.catching {
            if stored.versionId == ObjectRecord.nullVersion {
                try db.cachedStatement(sql: "DELETE FROM object WHERE bucket = ? AND key = ? AND versionId = 'null'")
                    .execute(arguments: [object.bucket, object.key])
            }
            try db.cachedStatement(sql: "UPDATE object SET isLatest = 0 WHERE bucket = ? AND key = ? AND isLatest")
                .execute(arguments: [object.bucket, object.key])
            stored.sequence =
                try Int64.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT COALESCE(MAX(sequence), 0) + 1 FROM object WHERE bucket = ? AND key = ?"),
                    arguments: [object.bucket, object.key]) ?? 1
            try stored.insert(db)
            for (index, chunk) in chunks.enumerated() {
                try ObjectChunkRecord(
                    bucket: stored.bucket, key: stored.key, versionId: stored.versionId, index: index,
                    digest: chunk.digest, size: chunk.size
                ).insert(db)
            }
        }
        // A new row: no tag rows to replace (a replaced `null` version took its own with it).
        try ObjectService.insertTags(tags, of: stored, in: db)
        return stored
    }

    /// What a delete did: the marker it made, or the version it removed.
    struct Deletion {
        var deleteMarker: Bool?
        var versionId: String?
    }

    /// DeleteObject's rules. With a version id: that version goes for good (a missing one is no error, as
    /// in S3), and the newest left becomes the latest. Without: versioning off removes the object; on adds
    /// a delete marker; suspended replaces the `null` version with a `null` delete marker.
    static func delete(
        bucket: BucketRecord, key: String, versionId: String?, in db: Database
    ) throws(CloudError) -> Deletion {
        if let versionId {
            try validate(versionId)
            guard
                let version = try db.catching({ try ObjectService.storedVersion(bucket.name, key, versionId, in: db) })
            else { return Deletion(versionId: versionId) }
            try db.catching {
                try db.cachedStatement(sql: "DELETE FROM object WHERE bucket = ? AND key = ? AND versionId = ?")
                    .execute(arguments: [bucket.name, key, versionId])
                if version.isLatest {
                    try db.cachedStatement(
                        sql: """
                            UPDATE object SET isLatest = 1 WHERE bucket = ? AND key = ? AND sequence =
                              (SELECT MAX(sequence) FROM object WHERE bucket = ? AND key = ?)
                            """
                    ).execute(arguments: [bucket.name, key, bucket.name, key])
                }
            }
            return Deletion(deleteMarker: version.isDeleteMarker ? true : nil, versionId: versionId)
        }
        guard let versioning = bucket.versioning else {
            _ = try db.catching { try ObjectService.deleteStoredObject(bucket.name, key, in: db) }
            return Deletion()
        }
        let marker = ObjectRecord(
            bucket: bucket.name, key: key, size: 0, etag: "", contentType: "", metadata: "{}", lastModified: Date(),
            isDeleteMarker: true)
        let stored = try install(marker, chunks: [], tags: [], versioning: versioning, in: db)
        return Deletion(deleteMarker: true, versionId: stored.versionId)
    }

    /// The version a request names, or the key's current object: NoSuchKey (no key, or a delete marker is
    /// the latest), NoSuchVersion, or MethodNotAllowed for a delete marker named by id.
    static func resolve(bucket: String, key: String, versionId: String?, in db: Database) throws(CloudError)
        -> ObjectRecord
    {
        guard let versionId else {
            guard let object = try db.catching({ try ObjectService.storedObject(bucket, key, in: db) }) else {
                throw S3Errors.noSuchKey(bucket, key)
            }
            return object
        }
        try validate(versionId)
        guard let version = try db.catching({ try ObjectService.storedVersion(bucket, key, versionId, in: db) }) else {
            throw S3Errors.noSuchVersion(bucket, key, versionId)
        }
        guard !version.isDeleteMarker else { throw S3Errors.deleteMarkerVersion(bucket, key) }
        return version
    }

    /// A version id as this cloud makes them (32 URL-safe characters), or `null`.
    static func validate(_ versionId: String) throws(CloudError) {
        guard
            versionId == ObjectRecord.nullVersion
                || (versionId.utf8.count == 32 && versionId.utf8.allSatisfy { alphabet.utf8.contains($0) })
        else { throw S3Errors.invalidVersionId(versionId) }
    }

    private static let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"

    /// 32 random characters, as S3's version ids look.
    static func newVersionId() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = Array(alphabet)
        return String((0..<32).map { _ in characters[Int(generator.next() % UInt64(characters.count))] })
    }

    /// The version id a response shows: none for a bucket whose versioning was never on.
    static func shown(_ object: ObjectRecord, versioning: String?) -> String? {
        versioning == nil ? nil : object.versionId
    }
}
