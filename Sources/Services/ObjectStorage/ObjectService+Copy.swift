import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.CopyObject`: within a region the copy's chunk rows name the source's blobs, in the transaction
    /// that reads them (no byte is copied, and no collector can take them in between); into another region
    /// the blobs are copied into its zones first.
    public func copyObject(_ request: CopyObjectRequest) async throws(CloudError) -> CopyObjectResult {
        try ObjectKey.validate(request.key)
        let (sourceBucket, sourceKey, sourceVersion) = try Self.parseCopySource(request.copySource)
        let replace: Bool
        switch request.metadataDirective ?? "COPY" {
        case "COPY": replace = false
        case "REPLACE": replace = true
        case let other:
            throw S3Errors.invalidArgument("Unknown metadata directive '\(other)'; use COPY or REPLACE.")
        }
        let replacementTags: [S3Tag]?
        switch request.taggingDirective ?? "COPY" {
        case "COPY": replacementTags = nil
        case "REPLACE": replacementTags = try Self.tags(fromHeader: request.tagging)
        case let other:
            throw S3Errors.invalidArgument("Unknown tagging directive '\(other)'; use COPY or REPLACE.")
        }
        // A copy of an older version onto its own key is how a version is restored.
        if !replace, sourceBucket == request.bucket, sourceKey == request.key, sourceVersion == nil {
            throw CloudError(
                code: "InvalidRequest",
                message:
                    "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
            )
        }
        let (source, destination, object, chunks) = try await database.readOrThrow {
            db throws -> (BucketRecord, BucketRecord, ObjectRecord, [ObjectChunkRecord]) in
            let source = try Self.bucket(sourceBucket, in: db)
            let destination = try Self.bucket(request.bucket, in: db)
            let object = try ObjectVersions.resolve(
                bucket: sourceBucket, key: sourceKey, versionId: sourceVersion, in: db)
            return (source, destination, object, try Self.chunks(of: object, in: db))
        }
        try Self.checkCopySourceConditions(
            ifMatch: request.copySourceIfMatch, ifNoneMatch: request.copySourceIfNoneMatch,
            ifModifiedSince: request.copySourceIfModifiedSince, ifUnmodifiedSince: request.copySourceIfUnmodifiedSince,
            object)
        var copied: [(digest: BlobDigest, size: Int)] = []
        if source.region != destination.region {
            copied = try await copyBlobs(chunks, from: try store(of: source), to: try store(of: destination))
        }
        defer { pins.unpin(copied.map(\.digest)) }
        var copy = object
        copy.bucket = request.bucket
        copy.key = request.key
        copy.lastModified = Date()
        if replace {
            copy.contentType = request.contentType ?? "binary/octet-stream"
            copy.metadata = Self.metadataJSON(request.metadata?.entries ?? [:])
        }
        let stored = try await database.writeOrThrow { [copy] db throws(CloudError) -> ObjectRecord in
            let bucket = try Self.bucket(copy.bucket, in: db)
            // The source as it is now: it may have been replaced since it was read.
            let current = try ObjectVersions.resolve(
                bucket: sourceBucket, key: sourceKey, versionId: sourceVersion, in: db)
            guard current.versionId == object.versionId, current.etag == object.etag else {
                throw S3Errors.noSuchKey(sourceBucket, sourceKey)
            }
            // Read before the install: a copy onto itself replaces the very rows it reads.
            let sourceTags = try db.catching { try Self.tags(of: current, in: db) }
            let rows = try db.catching { try Self.chunks(of: current, in: db) }.map { ($0.digest, $0.size) }
            return try ObjectVersions.install(
                copy, chunks: rows, tags: replacementTags ?? sourceTags, versioning: bucket.versioning, in: db)
        }
        logger.info(
            "object copied",
            metadata: [
                "iaas.bucket": "\(copy.bucket)", "iaas.key": "\(copy.key)",
                "iaas.source": "\(sourceBucket)/\(sourceKey)",
            ])
        return CopyObjectResult(
            copyObjectResult: CopyObjectResultDetails(eTag: copy.etag, lastModified: copy.lastModified),
            versionId: ObjectVersions.shown(stored, versioning: destination.versioning),
            copySourceVersionId: ObjectVersions.shown(object, versioning: source.versioning))
    }

    /// S3's `x-amz-copy-source-if-*` conditions on a copy's source.
    static func checkCopySourceConditions(
        ifMatch: String?, ifNoneMatch: String?, ifModifiedSince: Date?, ifUnmodifiedSince: Date?,
        _ object: ObjectRecord
    ) throws(CloudError) {
        do {
            try Self.checkConditions(
                GetObjectRequest(
                    bucket: object.bucket, key: object.key, ifMatch: ifMatch, ifNoneMatch: ifNoneMatch,
                    ifModifiedSince: ifModifiedSince, ifUnmodifiedSince: ifUnmodifiedSince), object)
        } catch  where error.code == "NotModified" {
            // A copy that does not happen is a failed precondition, not "not modified".
            throw S3Errors.preconditionFailed("x-amz-copy-source-if-none-match or -if-modified-since")
        }
    }

    /// `bucket/key` or `/bucket/key`, percent-encoded as S3 takes it, with `?versionId=…` for a version.
    static func parseCopySource(_ text: String) throws(CloudError) -> (
        bucket: String, key: String, versionId: String?
    ) {
        var source = text
        var versionId: String?
        if let query = text.range(of: "?versionId=") {
            versionId = String(text[query.upperBound...])
            source = String(text[..<query.lowerBound])
        }
        let trimmed = source.hasPrefix("/") ? String(source.dropFirst()) : source
        let decoded = trimmed.removingPercentEncoding ?? trimmed
        guard let slash = decoded.firstIndex(of: "/"), slash != decoded.startIndex,
            decoded.index(after: slash) != decoded.endIndex
        else {
            throw S3Errors.invalidArgument("Invalid copy source '\(text)': expected bucket/key.")
        }
        return (String(decoded[..<slash]), String(decoded[decoded.index(after: slash)...]), versionId)
    }

    static func chunks(of object: ObjectRecord, in db: Database) throws -> [ObjectChunkRecord] {
        try SQLRequest<ObjectChunkRecord>(
            sql: #"SELECT * FROM objectChunk WHERE bucket = ? AND key = ? AND versionId = ? ORDER BY "index""#,
            arguments: [object.bucket, object.key, object.versionId], cached: true
        ).fetchAll(db)
    }

    static func metadataJSON(_ metadata: [String: String]) -> String {
        String(decoding: (try? JSONEncoder().encode(metadata)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Copies blobs into another region's zones (pinned until the caller commits rows for them).
    private func copyBlobs(_ chunks: [ObjectChunkRecord], from source: BlobStore, to destination: BlobStore)
        async throws(CloudError) -> [(digest: BlobDigest, size: Int)]
    {
        var copied: [(digest: BlobDigest, size: Int)] = []
        let pins = self.pins
        do {
            for chunk in chunks {
                guard let digest = BlobDigest(hex: chunk.digest) else { continue }
                if chunk.size <= BlobStore.packLimit {
                    let (bytes, _) = try await Self.readSmall(digest, from: source)
                    copied.append((try await destination.putSmall(bytes, pin: { pins.pin($0) }), bytes.count))
                } else {
                    let written = try await BlockingIO.run { () throws -> BlobDigest in
                        let (bytes, _) = try source.read(digest)
                        let writer = try destination.writer()
                        try bytes.withUnsafeBytes { pointer in
                            try Result { () throws(FileSystemError) in try writer.write(pointer) }.get()
                        }
                        return try writer.finish(pin: { pins.pin($0) }, unpin: { pins.unpin([$0]) })
                    }
                    copied.append((written, Int(chunk.size)))
                }
            }
        } catch {
            pins.unpin(copied.map(\.digest))
            throw InternalFault.cloudError(error, while: "copy the object's bytes to another region", logger: logger)
        }
        catchUp(copied, in: destination)
        return copied
    }
}
