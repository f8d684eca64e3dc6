import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.UploadPartCopy`: a part made of a source object's bytes (or a range of them), read blob by blob
    /// and written as an uploaded part's are, so its ETag is their MD5 and a part that covers whole source
    /// chunks of the same region shares their blobs (the same bytes, the same digests) rather than storing
    /// them again.
    public func uploadPartCopy(_ request: UploadPartCopyRequest) async throws(CloudError) -> UploadPartCopyResult {
        guard Self.partNumbers.contains(request.partNumber) else {
            throw S3Errors.invalidArgument("Part number must be an integer between 1 and 10000, inclusive.")
        }
        let (sourceBucket, sourceKey, sourceVersion) = try Self.parseCopySource(request.copySource)
        let (upload, bucket, source, object, chunks) = try await database.readOrThrow {
            db throws -> (MultipartUploadRecord, BucketRecord, BucketRecord, ObjectRecord, [ObjectChunkRecord]) in
            let upload = try Self.upload(request.uploadId, of: request, in: db)
            let bucket = try Self.bucket(upload.bucket, in: db)
            let source = try Self.bucket(sourceBucket, in: db)
            let object = try ObjectVersions.resolve(
                bucket: sourceBucket, key: sourceKey, versionId: sourceVersion, in: db)
            return (upload, bucket, source, object, try Self.chunks(of: object, in: db))
        }
        try Self.checkCopySourceConditions(
            ifMatch: request.copySourceIfMatch, ifNoneMatch: request.copySourceIfNoneMatch,
            ifModifiedSince: request.copySourceIfModifiedSince, ifUnmodifiedSince: request.copySourceIfUnmodifiedSince,
            object)
        let range = try ByteRange.resolve(request.copySourceRange, size: object.size)
        let first = range?.first ?? 0
        let count = range?.count ?? object.size
        guard count <= Int64(Self.maxPutSize) else {
            throw CloudError(
                code: "InvalidRequest",
                message:
                    "A copied part is at most \(Self.maxPutSize) bytes; this range has \(count). Copy a smaller range.")
        }
        let bytes = SourceRange(
            reader: ChunkReader(store: try store(of: source), chunks: chunks, end: first + count, logger: logger),
            first: first,
            end: first + count)
        let store = try store(of: bucket)
        let (written, md5) = try await writeBlobs(bytes, into: store, key: request.key)
        defer { pins.unpin(written.map(\.digest)) }
        let part = try await storePart(
            request.partNumber, of: upload, addressed: request, chunks: written, md5: md5, in: store)
        logger.info(
            "part copied",
            metadata: [
                "iaas.upload": "\(upload.uploadId)", "iaas.part": "\(part.partNumber)",
                "iaas.source": "\(sourceBucket)/\(sourceKey)", "iaas.size": "\(part.size)",
            ])
        return UploadPartCopyResult(
            copyPartResult: CopyPartResult(eTag: part.etag, lastModified: part.lastModified),
            copySourceVersionId: ObjectVersions.shown(object, versioning: source.versioning))
    }
}

/// The bytes `first..<end` of an object, a mebibyte at a time, as a part's body.
struct SourceRange: AsyncSequence, Sendable {
    typealias Element = PayloadChunk
    let reader: ChunkReader
    let first: Int64
    let end: Int64

    struct AsyncIterator: AsyncIteratorProtocol {
        let reader: ChunkReader
        var position: Int64
        let end: Int64

        mutating func next() async throws -> PayloadChunk? {
            guard position < end else { return nil }
            let chunk = try await reader.read(at: position, maxCount: Int(Swift.min(end - position, 1 << 20)))
            position += Int64(chunk.count)
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: reader, position: first, end: end) }
}
