import API
import Foundation
import GRDB
import Store

/// Object tags (`PutObjectTagging`, `GetObjectTagging`, `DeleteObjectTagging`, and `Tagging` on puts and
/// copies), rows of `objectTag` that go with their object's row.
extension ObjectService {
    /// S3's limit on tags per object.
    static let maxObjectTags = 10

    /// `s3.PutObjectTagging`: the object's tags become exactly these.
    public func putObjectTagging(_ request: PutObjectTaggingRequest) async throws(CloudError)
        -> ObjectTaggingResult
    {
        let tags = try Self.validTags(request.tagging.tagSet)
        return try await database.writeOrThrow { db throws(CloudError) in
            let (bucket, object) = try Self.object(request.bucket, request.key, request.versionId, in: db)
            try Self.replaceTags(of: object, with: tags, in: db)
            return ObjectTaggingResult(versionId: ObjectVersions.shown(object, versioning: bucket.versioning))
        }
    }

    /// `s3.GetObjectTagging`.
    public func getObjectTagging(_ request: ObjectRequest) async throws(CloudError) -> GetObjectTaggingResult {
        try await database.readOrThrow { db in
            let (bucket, object) = try Self.object(request.bucket, request.key, request.versionId, in: db)
            return GetObjectTaggingResult(
                tagSet: try Self.tags(of: object, in: db),
                versionId: ObjectVersions.shown(object, versioning: bucket.versioning))
        }
    }

    /// `s3.DeleteObjectTagging`: the object keeps its bytes and loses its tags.
    public func deleteObjectTagging(_ request: ObjectRequest) async throws(CloudError) -> ObjectTaggingResult {
        try await database.writeOrThrow { db throws(CloudError) in
            let (bucket, object) = try Self.object(request.bucket, request.key, request.versionId, in: db)
            try Self.replaceTags(of: object, with: [], in: db)
            return ObjectTaggingResult(versionId: ObjectVersions.shown(object, versioning: bucket.versioning))
        }
    }

    /// The bucket and the object (or the version named), or NoSuchBucket / NoSuchKey / NoSuchVersion.
    static func object(_ bucket: String, _ key: String, _ versionId: String?, in db: Database) throws(CloudError)
        -> (BucketRecord, ObjectRecord)
    {
        let record = try Self.bucket(bucket, in: db)
        return (record, try ObjectVersions.resolve(bucket: bucket, key: key, versionId: versionId, in: db))
    }

    static func tags(of object: ObjectRecord, in db: Database) throws -> [S3Tag] {
        try SQLRequest<ObjectTagRecord>(
            sql: "SELECT * FROM objectTag WHERE bucket = ? AND key = ? AND versionId = ? ORDER BY tagKey",
            arguments: [object.bucket, object.key, object.versionId], cached: true
        ).fetchAll(db).map { S3Tag(key: $0.tagKey, value: $0.value) }
    }

    static func replaceTags(of object: ObjectRecord, with tags: [S3Tag], in db: Database) throws(CloudError) {
        try db.catching {
            try db.cachedStatement(sql: "DELETE FROM objectTag WHERE bucket = ? AND key = ? AND versionId = ?")
                .execute(arguments: [object.bucket, object.key, object.versionId])
        }
        try insertTags(tags, of: object, in: db)
    }

    /// Tag rows for a version that has none yet (one just installed).
    static func insertTags(_ tags: [S3Tag], of object: ObjectRecord, in db: Database) throws(CloudError) {
        try db.catching {
            for tag in tags {
                try ObjectTagRecord(
                    bucket: object.bucket, key: object.key, versionId: object.versionId, tagKey: tag.key,
                    value: tag.value
                ).insert(db)
            }
        }
    }

    /// Tags given as S3's `x-amz-tagging` header gives them, `k1=v1&k2=v2` URL-encoded, checked.
    static func tags(fromHeader text: String?) throws(CloudError) -> [S3Tag] {
        guard let text, !text.isEmpty else { return [] }
        var tags: [S3Tag] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.formDecoded(parts[0]), let value = Self.formDecoded(parts.count > 1 ? parts[1] : "")
            else {
                throw S3Errors.invalidArgument(
                    "The tagging '\(text.prefix(80))' is not URL-encoded query parameters (k1=v1&k2=v2).")
            }
            tags.append(S3Tag(key: key, value: value))
        }
        return try validTags(tags)
    }

    private static func formDecoded(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// S3's rules for object tags: at most 10, keys of 1 to 128 and values of up to 256 characters of
    /// letters, digits, spaces and `+ - = . _ : / @`, no key twice, none under the reserved `aws:` prefix.
    static func validTags(_ tags: [S3Tag]) throws(CloudError) -> [S3Tag] {
        guard tags.count <= maxObjectTags else {
            throw CloudError(code: "BadRequest", message: "Object tags cannot be greater than \(maxObjectTags).")
        }
        var keys: Set<String> = []
        for tag in tags {
            guard (1...128).contains(tag.key.count), isTagText(tag.key) else {
                throw invalidTag(
                    "The TagKey '\(tag.key.prefix(40))' is invalid: 1 to 128 letters, digits, spaces and + - = . _ : / @."
                )
            }
            guard tag.value.count <= 256, isTagText(tag.value) else {
                throw invalidTag(
                    "The TagValue of '\(tag.key.prefix(40))' is invalid: up to 256 letters, digits, spaces and + - = . _ : / @."
                )
            }
            guard !tag.key.lowercased().hasPrefix("aws:") else {
                throw invalidTag("Your TagKey cannot be prefixed with aws: (system tags cannot be set by requesters).")
            }
            guard keys.insert(tag.key).inserted else {
                throw invalidTag("Cannot provide multiple Tags with the same key ('\(tag.key.prefix(40))').")
            }
        }
        return tags
    }

    private static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == " "
                || "+-=._:/@".unicodeScalars.contains(scalar)
        }
    }

    private static func invalidTag(_ message: String) -> CloudError {
        CloudError(code: "InvalidTag", message: message)
    }
}
