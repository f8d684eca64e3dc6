import API
import Crypto
import Foundation
import GRDB
import Store

extension ObjectService {
    /// S3's limits on multipart uploads.
    static let partNumbers = 1...10_000
    static let minimumPartSize: Int64 = 5 << 20

    /// `s3.CreateMultipartUpload`: a row for the upload; parts come with UploadPart.
    public func createMultipartUpload(_ request: CreateMultipartUploadRequest) async throws(CloudError)
        -> CreateMultipartUploadResult
    {
        try ObjectKey.validate(request.key)
        _ = try Self.tags(fromHeader: request.tagging)
        let upload = MultipartUploadRecord(
            uploadId: Self.newUploadId(), bucket: request.bucket, key: request.key, initiated: Date(),
            contentType: request.contentType ?? "binary/octet-stream",
            metadata: Self.metadataJSON(request.metadata?.entries ?? [:]), tagging: request.tagging)
        try await database.writeOrThrow { db throws(CloudError) in
            _ = try Self.bucket(upload.bucket, in: db)
            try db.catching { try upload.insert(db) }
        }
        logger.info(
            "multipart upload created",
            metadata: [
                "iaas.bucket": "\(upload.bucket)", "iaas.key": "\(upload.key)", "iaas.upload": "\(upload.uploadId)",
            ])
        return CreateMultipartUploadResult(bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId)
    }

    /// `s3.UploadPart`: the part's bytes into blobs as PutObject writes an object's, then its rows, replacing
    /// an earlier part of the same number.
    public func uploadPart(_ request: UploadPartRequest, body: ReceivedPayload) async throws(CloudError)
        -> UploadPartResult
    {
        guard Self.partNumbers.contains(request.partNumber) else {
            throw S3Errors.invalidArgument("Part number must be an integer between 1 and 10000, inclusive.")
        }
        let expectedMD5 = try Self.contentMD5(request.contentMD5)
        guard body.length <= Self.maxPutSize else {
            throw CloudError(
                code: "EntityTooLarge",
                message: "A part is at most \(Self.maxPutSize) bytes; this one has \(body.length).")
        }
        let (upload, bucket) = try await database.readOrThrow { db in
            let upload = try Self.upload(request.uploadId, of: request, in: db)
            return (upload, try Self.bucket(upload.bucket, in: db))
        }
        let store = try store(of: bucket)
        let (chunks, md5) = try await writeBlobs(body, into: store, key: request.key)
        defer { pins.unpin(chunks.map(\.digest)) }
        if let expectedMD5, expectedMD5 != md5 { throw S3Errors.badDigest() }
        let part = try await storePart(
            request.partNumber, of: upload, addressed: request, chunks: chunks, md5: md5, in: store)
        return UploadPartResult(eTag: part.etag)
    }

    /// A part's rows, once its blobs are written (and pinned): replaces an earlier part of the same number.
    func storePart(
        _ number: Int, of upload: MultipartUploadRecord, addressed request: some MultipartAddressed & Sendable,
        chunks: [(digest: BlobDigest, size: Int)], md5: [UInt8], in store: BlobStore
    ) async throws(CloudError) -> UploadPartRecord {
        await CrashPoint.reach("s3.upload-part.after-blobs")
        let part = UploadPartRecord(
            uploadId: upload.uploadId, partNumber: number, size: Int64(chunks.reduce(0) { $0 + $1.size }),
            etag: Self.quotedHex(md5), lastModified: Date())
        try await database.writeOrThrow { db throws(CloudError) in
            // The upload may have been completed or aborted while the part streamed.
            _ = try Self.upload(upload.uploadId, of: request, in: db)
            try db.catching {
                _ = try UploadPartRecord.deleteOne(db, key: ["uploadId": part.uploadId, "partNumber": part.partNumber])
                try part.insert(db)
                for (index, chunk) in chunks.enumerated() {
                    try UploadPartChunkRecord(
                        uploadId: part.uploadId, partNumber: part.partNumber, index: index, digest: chunk.digest.hex,
                        size: Int64(chunk.size)
                    ).insert(db)
                }
            }
        }
        catchUp(chunks, in: store)
        return part
    }

    /// `s3.CompleteMultipartUpload`: S3's rules (ascending part numbers, ETags that match, every part but
    /// the last at least 5 MiB), then, in one transaction, the object's rows made of the listed parts'
    /// blobs (none is copied) and the upload's rows gone. Parts not listed are dropped with the upload;
    /// their blobs go with the collector.
    public func completeMultipartUpload(_ request: CompleteMultipartUploadRequest) async throws(CloudError)
        -> CompleteMultipartUploadResult
    {
        let listed = request.multipartUpload.parts
        guard !listed.isEmpty else {
            throw CloudError(
                code: "MalformedXML", message: "You must specify at least one part to complete a multipart upload.")
        }
        for (previous, next) in zip(listed, listed.dropFirst()) where next.partNumber <= previous.partNumber {
            throw CloudError(
                code: "InvalidPartOrder",
                message:
                    "The list of parts was not in ascending order: part \(next.partNumber) follows \(previous.partNumber)."
            )
        }
        let (object, versionId) = try await database.writeOrThrow {
            db throws(CloudError) -> (ObjectRecord, String?) in
            let upload = try Self.upload(request.uploadId, of: request, in: db)
            let bucket = try Self.bucket(upload.bucket, in: db)
            let parts = try db.catching {
                try UploadPartRecord.filter(Column("uploadId") == upload.uploadId).fetchAll(db)
            }
            let byNumber = Dictionary(uniqueKeysWithValues: parts.map { ($0.partNumber, $0) })
            var md5s: [UInt8] = []
            var size: Int64 = 0
            var chunks: [UploadPartChunkRecord] = []
            for (position, entry) in listed.enumerated() {
                guard let part = byNumber[entry.partNumber], Self.sameETag(part.etag, entry.eTag) else {
                    throw CloudError(
                        code: "InvalidPart",
                        message:
                            "Part \(entry.partNumber) could not be found, or its ETag is not \(entry.eTag); upload it again or list it with the ETag UploadPart returned."
                    )
                }
                if position < listed.count - 1, part.size < Self.minimumPartSize {
                    throw CloudError(
                        code: "EntityTooSmall",
                        message:
                            "Part \(part.partNumber) is \(part.size) bytes; every part but the last must be at least 5 MiB."
                    )
                }
                md5s += Self.bytes(ofHex: part.etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
                size += part.size
                chunks += try db.catching {
                    try UploadPartChunkRecord.filter(Column("uploadId") == upload.uploadId)
                        .filter(Column("partNumber") == part.partNumber).order(Column("index")).fetchAll(db)
                }
            }
            let object = ObjectRecord(
                bucket: upload.bucket, key: upload.key, size: size,
                etag: "\"" + Self.hex(Array(Insecure.MD5.hash(data: md5s))) + "-\(listed.count)\"",
                contentType: upload.contentType, metadata: upload.metadata, lastModified: Date())
            let stored = try ObjectVersions.install(
                object, chunks: chunks.map { ($0.digest, $0.size) }, tags: try Self.tags(fromHeader: upload.tagging),
                versioning: bucket.versioning, in: db)
            _ = try db.catching { try MultipartUploadRecord.deleteOne(db, key: upload.uploadId) }
            return (stored, ObjectVersions.shown(stored, versioning: bucket.versioning))
        }
        await CrashPoint.reach("s3.complete-multipart.after-commit")
        logger.info(
            "multipart upload completed",
            metadata: [
                "iaas.bucket": "\(object.bucket)", "iaas.key": "\(object.key)", "iaas.upload": "\(request.uploadId)",
                "iaas.size": "\(object.size)", "iaas.parts": "\(listed.count)",
            ])
        return CompleteMultipartUploadResult(
            location: "/\(object.bucket)/\(object.key)", bucket: object.bucket, key: object.key, eTag: object.etag,
            versionId: versionId)
    }

    /// `s3.AbortMultipartUpload`: the upload's rows go; its parts' blobs go with the collector.
    public func abortMultipartUpload(_ request: UploadRequest) async throws(CloudError) -> EmptyResult {
        try await database.writeOrThrow { db throws(CloudError) in
            let upload = try Self.upload(request.uploadId, of: request, in: db)
            _ = try db.catching { try MultipartUploadRecord.deleteOne(db, key: upload.uploadId) }
        }
        logger.info("multipart upload aborted", metadata: ["iaas.upload": "\(request.uploadId)"])
        return EmptyResult()
    }

    /// `s3.ListParts`, by part number.
    public func listParts(_ request: ListPartsRequest) async throws(CloudError) -> ListPartsResult {
        let maxParts = request.maxParts ?? 1000
        guard (1...1000).contains(maxParts) else {
            throw S3Errors.invalidArgument("MaxParts must be from 1 to 1000 (got \(maxParts)).")
        }
        let marker = request.partNumberMarker ?? 0
        let parts = try await database.readOrThrow { db in
            _ = try Self.upload(request.uploadId, of: request, in: db)
            return try UploadPartRecord.filter(Column("uploadId") == request.uploadId)
                .filter(Column("partNumber") > marker).order(Column("partNumber")).limit(maxParts + 1).fetchAll(db)
        }
        let page = parts.prefix(maxParts)
        return ListPartsResult(
            bucket: request.bucket, key: request.key, uploadId: request.uploadId,
            parts: page.map {
                Part(partNumber: $0.partNumber, eTag: $0.etag, size: $0.size, lastModified: $0.lastModified)
            },
            maxParts: maxParts, isTruncated: parts.count > maxParts,
            nextPartNumberMarker: parts.count > maxParts ? page.last?.partNumber : nil)
    }

    /// `s3.ListMultipartUploads`: the bucket's uploads in progress, by key.
    public func listMultipartUploads(_ request: ListMultipartUploadsRequest) async throws(CloudError)
        -> ListMultipartUploadsResult
    {
        let uploads = try await database.readOrThrow { db in
            _ = try Self.bucket(request.bucket, in: db)
            return try MultipartUploadRecord.filter(Column("bucket") == request.bucket)
                .order(Column("key"), Column("initiated")).fetchAll(db)
        }
        return ListMultipartUploadsResult(
            bucket: request.bucket,
            uploads: uploads.filter { $0.key.hasPrefix(request.prefix ?? "") }.map {
                MultipartUpload(key: $0.key, uploadId: $0.uploadId, initiated: $0.initiated)
            })
    }

    /// The upload, if it exists for this bucket and key (NoSuchUpload otherwise, as S3).
    static func upload(_ id: String, of request: some MultipartAddressed, in db: Database) throws(CloudError)
        -> MultipartUploadRecord
    {
        guard let upload = try db.catching({ try MultipartUploadRecord.fetchOne(db, key: id) }),
            upload.bucket == request.bucket, upload.key == request.key
        else {
            throw CloudError(
                code: "NoSuchUpload",
                message:
                    "The specified multipart upload does not exist: \(id). It may have been completed or aborted.",
                status: 404)
        }
        return upload
    }

    private static func newUploadId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    static func sameETag(_ stored: String, _ given: String) -> Bool {
        stored == given || stored == "\"\(given)\""
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func quotedHex(_ bytes: [UInt8]) -> String { "\"" + hex(bytes) + "\"" }

    private static func bytes(ofHex hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            if let byte = UInt8(hex[index..<next], radix: 16) { bytes.append(byte) }
            index = next
        }
        return bytes
    }

    /// A `ContentMD5` header's bytes (InvalidDigest unless it is the base64 of 16 bytes).
    static func contentMD5(_ value: String?) throws(CloudError) -> [UInt8]? {
        guard let value else { return nil }
        guard let data = Data(base64Encoded: value), data.count == 16 else { throw S3Errors.invalidDigest(value) }
        return [UInt8](data)
    }
}

/// The requests that name an upload by bucket, key and id.
protocol MultipartAddressed {
    var bucket: String { get }
    var key: String { get }
}

extension UploadPartRequest: MultipartAddressed {}
extension UploadPartCopyRequest: MultipartAddressed {}
extension CompleteMultipartUploadRequest: MultipartAddressed {}
extension UploadRequest: MultipartAddressed {}
extension ListPartsRequest: MultipartAddressed {}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
