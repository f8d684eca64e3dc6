import API
import Crypto
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.PutObject`: (1) the body streamed into blobs (majority of zones, fsynced) while its MD5 is
    /// computed; (2) the object's row and chunk rows committed in one transaction, replacing any earlier
    /// object of the key; (3) the answer. Nothing is visible before (2): a failed or abandoned put leaves
    /// only blobs no row refers to, which the collector removes.
    public func putObject(_ request: PutObjectRequest, body: ReceivedPayload) async throws(CloudError)
        -> PutObjectResult
    {
        try ObjectKey.validate(request.key)
        let expectedMD5 = try Self.contentMD5(request.contentMD5)
        let tags = try Self.tags(fromHeader: request.tagging)
        guard body.length <= Self.maxPutSize else {
            throw CloudError(
                code: "EntityTooLarge",
                message:
                    "Your proposed upload of \(body.length) bytes exceeds the maximum allowed object size of \(Self.maxPutSize) bytes; use a multipart upload."
            )
        }
        let region = try await region(ofBucket: request.bucket)
        let store = try store(request.bucket, in: region)
        let metadata = request.metadata?.entries ?? [:]
        let metadataJSON = Self.metadataJSON(metadata)

        let (chunks, md5) = try await writeBlobs(body, into: store, key: request.key)
        defer { pins.unpin(chunks.map(\.digest)) }
        if let expectedMD5, expectedMD5 != md5 { throw S3Errors.badDigest() }
        await CrashPoint.reach("s3.put.after-blobs")

        let etag = Self.quotedHex(md5)
        var record = ObjectRecord(
            bucket: request.bucket, key: request.key, size: Int64(body.length), etag: etag,
            contentType: request.contentType ?? "binary/octet-stream", metadata: metadataJSON, lastModified: Date())
        (record.checksumAlgorithm, record.checksumValue) = Self.checksum(verified: body.trailers.all)
        let object = record
        let rows = chunks.map { (digest: $0.digest.hex, size: Int64($0.size)) }
        let versionId = try await writeInBucket(request.bucket, region: region) { bucket, db throws(CloudError) in
            let stored = try ObjectVersions.install(
                object, chunks: rows, tags: tags, versioning: bucket.versioning, in: db)
            return ObjectVersions.shown(stored, versioning: bucket.versioning)
        }
        await CrashPoint.reach("s3.put.after-commit")
        logger.info(
            "object put",
            metadata: [
                "iaas.bucket": "\(object.bucket)", "iaas.key": "\(object.key)", "iaas.size": "\(object.size)",
                "iaas.etag": "\(etag)", "iaas.version": "\(versionId ?? "")",
            ])
        catchUp(chunks, in: store)
        return PutObjectResult(eTag: etag, versionId: versionId)
    }

    /// Streams a body into blobs of at most `chunkSize` bytes; returns them (pinned) and the body's MD5.
    /// The body's bytes are staged and written a mebibyte at a time, off the event loops, while the next
    /// are received; full chunks are made durable in the background (`BlobChunkPipeline`).
    func writeBlobs<Body: AsyncSequence>(_ body: Body, into store: BlobStore, key: String) async throws(CloudError)
        -> (chunks: [(digest: BlobDigest, size: Int)], md5: [UInt8]) where Body.Element == PayloadChunk
    {
        let md5 = RunningMD5()
        let pipeline = BlobChunkPipeline(store: store, chunkSize: Self.chunkSize, pins: pins)
        var small: (digest: BlobDigest, size: Int)?
        var staged: [PayloadChunk] = []
        var stagedBytes = 0
        let pins = self.pins
        do {
            for try await chunk in body {
                staged.append(chunk)
                stagedBytes += chunk.count
                if stagedBytes >= Self.stagingSize {
                    await md5.update(staged)
                    try await pipeline.append(staged)
                    staged = []
                    stagedBytes = 0
                }
            }
            // A small object, or the small end of a large one: a row of the zones' packs. (A blob in files
            // always holds at least the staging size, so a blob's size says where it is.)
            if !pipeline.hasOpenChunk, stagedBytes > 0, stagedBytes <= BlobStore.packLimit {
                let bytes = staged.flatMap(\.bytes)
                small = (try await store.putSmall(bytes, pin: { pins.pin($0) }), bytes.count)
            } else if stagedBytes > 0 {
                try await pipeline.append(staged)
            }
            await md5.update(staged)
            var chunks = try await pipeline.finish()
            if let small { chunks.append(small) }
            return (chunks, await md5.finalize())
        } catch {
            pins.unpin(await pipeline.abandon() + (small.map { [$0.digest] } ?? []))
            if let error = error as? PayloadError {
                throw S3Errors.incompleteBody("\(error)")
            }
            throw InternalFault.cloudError(
                error, while: "store the object's bytes", logger: logger, metadata: ["iaas.key": "\(key)"])
        }
    }

    /// Bytes gathered before a write to the blob files: fewer, larger writes, each off the event loops.
    static let stagingSize = 1 << 20

    /// Copies the file blobs into the zones the put did not write, in the background. (Small blobs go to
    /// every zone's pack as they are put.)
    func catchUp(_ chunks: [(digest: BlobDigest, size: Int)], in store: BlobStore) {
        let logger = self.logger
        Task {
            for digest in Set(chunks.filter { $0.size > BlobStore.packLimit }.map(\.digest)) {
                do {
                    try await BlockingIO.run { () throws(BlobError) in
                        let missing = store.zones.filter { !store.exists(digest, in: $0) }
                        guard !missing.isEmpty else { return }
                        let (bytes, _) = try store.read(digest)
                        for zone in missing {
                            do throws(FileSystemError) {
                                try store.repair(digest, in: zone, from: bytes)
                            } catch {
                                throw .file(error)
                            }
                        }
                    }
                } catch {
                    logger.warning(
                        "a zone could not catch up on a blob; the collector retries",
                        metadata: ["iaas.blob": "\(digest)", "iaas.error": "\(error)"])
                }
            }
        }
    }
}
