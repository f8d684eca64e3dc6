import API
import Foundation
import GRDB
import Logging
import Store

extension ObjectService {
    /// `s3.GetObject`: S3's conditions, then the object's bytes (or its `Range`) as the result's payload,
    /// read blob by blob as the connection sends them. Each blob is checked against its hash; a missing or
    /// corrupt copy is read from another zone and repaired.
    public func getObject(_ request: GetObjectRequest) async throws(CloudError) -> (GetObjectResult, PayloadSource) {
        let (bucket, object, chunks, tagCount, small) = try await lookUp(request, readingSmallBody: true)
        let range = try ByteRange.resolve(request.range, size: object.size)
        let first = range?.first ?? 0
        let count = range?.count ?? object.size
        var result = describe(object, in: bucket, tagCount: tagCount)
        Self.reveal(object, in: &result, mode: request.checksumMode, ranged: range != nil)
        result.contentLength = count
        result.body = PayloadField(length: Int(count))
        if let range { result.contentRange = "bytes \(range.first)-\(range.last)/\(object.size)" }
        let store = try store(of: bucket)
        if let small {
            Self.repairSmall(small.digest, small.bytes, damaged: small.damaged, in: store, logger: logger)
            return (result, PayloadSource(bytes: Array(small.bytes[Int(first)..<Int(first + count)])))
        }
        let reader = ChunkReader(store: store, chunks: chunks, end: first + count, logger: logger)
        let payload = PayloadSource(length: Int(count)) { offset, maxCount in
            try await reader.read(at: first + Int64(offset), maxCount: maxCount)
        }
        return (result, payload)
    }

    /// `s3.HeadObject`: GetObject's answer without the body.
    public func headObject(_ request: GetObjectRequest) async throws(CloudError) -> GetObjectResult {
        let (bucket, object, _, tagCount, _) = try await lookUp(request, readingSmallBody: false)
        var result = describe(object, in: bucket, tagCount: tagCount)
        let range = try ByteRange.resolve(request.range, size: object.size)
        Self.reveal(object, in: &result, mode: request.checksumMode, ranged: range != nil)
        if let range {
            result.contentLength = range.count
            result.contentRange = "bytes \(range.first)-\(range.last)/\(object.size)"
        }
        return result
    }

    /// The object and its chunks, once S3's conditions hold (PreconditionFailed, NotModified).
    ///
    /// With `readingSmallBody`, an object of one small blob comes with its bytes, read in the same job as
    /// its rows: a small GET then costs one trip off the event loops, not three.
    private func lookUp(_ request: GetObjectRequest, readingSmallBody: Bool) async throws(CloudError) -> (
        BucketRecord, ObjectRecord, [ObjectChunkRecord], tagCount: Int, small: SmallBody?
    ) {
        let stores = self.stores
        let found = try await database.readOrThrow {
            db throws -> (BucketRecord, ObjectRecord, [ObjectChunkRecord], Int, SmallBody?) in
            let bucket = try Self.bucket(request.bucket, in: db)
            let object = try ObjectVersions.resolve(
                bucket: request.bucket, key: request.key, versionId: request.versionId, in: db)
            let chunks = try Self.chunks(of: object, in: db)
            let tagCount =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT COUNT(*) FROM objectTag WHERE bucket = ? AND key = ? AND versionId = ?"),
                    arguments: [object.bucket, object.key, object.versionId]) ?? 0
            guard readingSmallBody, chunks.count == 1, chunks[0].size <= BlobStore.packLimit,
                let digest = BlobDigest(hex: chunks[0].digest), let store = stores[bucket.region]
            else { return (bucket, object, chunks, tagCount, nil) }
            let (bytes, damaged) = try store.readSmallNow(digest)
            return (bucket, object, chunks, tagCount, SmallBody(digest: digest, bytes: bytes, damaged: damaged))
        }
        try Self.checkConditions(request, found.1)
        return found
    }

    /// The bytes of an object of one small blob, read with its rows, and the zones whose copy was damaged.
    struct SmallBody: Sendable {
        let digest: BlobDigest
        let bytes: [UInt8]
        let damaged: [Int]
    }

    /// Rewrites a small blob's missing or corrupt copies from good bytes, in the background.
    static func repairSmall(
        _ digest: BlobDigest, _ bytes: [UInt8], damaged: [Int], in store: BlobStore, logger: Logger
    ) {
        guard !damaged.isEmpty else { return }
        logger.warning(
            "a small blob's copy was missing or corrupt; repairing it",
            metadata: [
                "iaas.blob": "\(digest)",
                "iaas.zones": "\(damaged.map { store.zones[$0].root.lastComponent?.string ?? "" })",
            ])
        Task {
            for zone in damaged { try? await store.packs[zone].pack.replace(digest, bytes) }
        }
    }

    /// S3's order: If-Match, then If-Unmodified-Since (ignored when If-Match held), If-None-Match, then
    /// If-Modified-Since (ignored when If-None-Match was given). Dates compare to the second.
    static func checkConditions(_ request: GetObjectRequest, _ object: ObjectRecord) throws(CloudError) {
        let modified = object.lastModified.timeIntervalSince1970.rounded(.down)
        func matches(_ header: String) -> Bool {
            header.split(separator: ",").contains { tag in
                let trimmed = tag.trimmingCharacters(in: .whitespaces)
                return trimmed == "*" || trimmed == object.etag || "\"\(trimmed)\"" == object.etag
            }
        }
        if let ifMatch = request.ifMatch {
            guard matches(ifMatch) else { throw S3Errors.preconditionFailed("If-Match") }
        } else if let since = request.ifUnmodifiedSince, modified > since.timeIntervalSince1970 {
            throw S3Errors.preconditionFailed("If-Unmodified-Since")
        }
        if let ifNoneMatch = request.ifNoneMatch {
            if matches(ifNoneMatch) { throw S3Errors.notModified() }
        } else if let since = request.ifModifiedSince, modified <= since.timeIntervalSince1970.rounded(.down) {
            throw S3Errors.notModified()
        }
    }

    private func describe(_ object: ObjectRecord, in bucket: BucketRecord, tagCount: Int) -> GetObjectResult {
        let metadata = (try? JSONDecoder().decode([String: String].self, from: Data(object.metadata.utf8))) ?? [:]
        return GetObjectResult(
            body: nil, contentLength: object.size, contentRange: nil, eTag: object.etag,
            contentType: object.contentType, lastModified: object.lastModified, metadata: WireMap(metadata),
            versionId: ObjectVersions.shown(object, versioning: bucket.versioning),
            tagCount: tagCount > 0 ? tagCount : nil)
    }
}

/// Reads an object's bytes by offset for a GetObject payload, one blob at a time: the blob of the last read
/// stays in memory for the next, which usually wants the bytes after it, and the `readAhead` blobs after it
/// are read (and their hashes checked, each on a thread of its own) meanwhile, so the disk, both cores and
/// the connection work at once. At most three blobs (24 MiB) are held.
actor ChunkReader {
    static let readAhead = 2
    private let store: BlobStore
    private let chunks: [ObjectChunkRecord]
    /// Where each chunk starts in the object.
    private let starts: [Int64]
    /// Where the reads will stop: no blob past it is read ahead.
    private let end: Int64
    private var cached: (index: Int, bytes: PayloadChunk)?
    private var ahead: [(index: Int, load: Task<PayloadChunk, any Error>)] = []
    private let logger: Logger

    init(store: BlobStore, chunks: [ObjectChunkRecord], end: Int64? = nil, logger: Logger) {
        self.store = store
        self.chunks = chunks
        self.end = end ?? chunks.reduce(0) { $0 + $1.size }
        var starts: [Int64] = []
        var position: Int64 = 0
        for chunk in chunks {
            starts.append(position)
            position += chunk.size
        }
        self.starts = starts
        self.logger = logger
    }

    deinit { for entry in ahead { entry.load.cancel() } }

    func read(at position: Int64, maxCount: Int) async throws -> PayloadChunk {
        guard let index = starts.lastIndex(where: { $0 <= position }), position < starts[index] + chunks[index].size
        else { throw PayloadError.sourceMismatch(offset: Int(position), length: Int(starts.last ?? 0)) }
        let bytes = try await blob(index)
        let offset = Int(position - starts[index])
        let count = min(maxCount, bytes.count - offset)
        return bytes.slice(offset..<offset + count)
    }

    private func blob(_ index: Int) async throws -> PayloadChunk {
        if let cached, cached.index == index { return cached.bytes }
        let current: Task<PayloadChunk, any Error>
        if let found = ahead.firstIndex(where: { $0.index == index }) {
            current = ahead[found].load
            for skipped in ahead[..<found] { skipped.load.cancel() }
            ahead.removeFirst(found + 1)
        } else {
            for entry in ahead { entry.load.cancel() }
            ahead = []
            current = load(index)
        }
        // The next blobs start loading before this one is awaited.
        var next = (ahead.last?.index ?? index) + 1
        while ahead.count < Self.readAhead, next < chunks.count, starts[next] < end {
            ahead.append((next, load(next)))
            next += 1
        }
        let bytes = try await current.value
        cached = (index, bytes)
        return bytes
    }

    private func load(_ index: Int) -> Task<PayloadChunk, any Error> {
        let (chunk, store, logger) = (chunks[index], store, logger)
        return Task { try await Self.load(chunk, from: store, logger: logger) }
    }

    /// A chunk's blob, its hash checked, read straight into the buffer it is sent from; a missing or
    /// corrupt copy is repaired from a good one.
    private static func load(_ chunk: ObjectChunkRecord, from store: BlobStore, logger: Logger) async throws
        -> PayloadChunk
    {
        guard let digest = BlobDigest(hex: chunk.digest) else { throw BlobError.lost(BlobDigest(of: [])) }
        if chunk.size <= BlobStore.packLimit {
            let (bytes, damaged) = try await ObjectService.readSmall(digest, from: store)
            ObjectService.repairSmall(digest, bytes, damaged: damaged, in: store, logger: logger)
            return PayloadChunk(bytes)
        }
        let (bytes, damaged) = try await BlockingIO.run { () throws(BlobError) -> (PayloadChunk, [ZoneDirectory]) in
            var result: Result<[ZoneDirectory], BlobError> = .success([])
            let bytes = PayloadChunk(capacity: Int(chunk.size)) { buffer in
                result = Result { () throws(BlobError) in try store.read(digest, into: buffer) }
                return buffer.count
            }
            return (bytes, try result.get())
        }
        if !damaged.isEmpty {
            logger.warning(
                "a blob copy was missing or corrupt; repairing it from a good one",
                metadata: [
                    "iaas.blob": "\(digest)", "iaas.zones": "\(damaged.map { $0.root.lastComponent?.string ?? "" })",
                ])
            try? await BlockingIO.run { () throws(FileSystemError) in
                for zone in damaged { try store.repair(digest, in: zone, from: bytes.bytes) }
            }
        }
        return bytes
    }
}
