import API
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Store

/// Scrub: reads every copy of every blob that an object or an upload in progress refers to, in every zone of
/// its region, checks its SHA-256, and rewrites a missing or corrupt copy from a good one. Reads repair what
/// they happen to touch; scrub finds rot in data nobody reads (a zone's directory lost, a flipped bit) before
/// a second fault makes it a loss. Runs every `interval`, and on demand (`daemon.Scrub`, `iaasctl scrub`).
public struct BlobScrubber: Service, Sendable {
    let service: ObjectService
    let interval: Duration
    private let logger = Logger(label: "iaas.s3.scrub")

    public init(service: ObjectService, interval: Duration) {
        self.service = service
        self.interval = interval
    }

    public func run() async throws {
        let scrubber = self
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: scrubber.interval)
                guard !Task.isCancelled else { return }
                _ = await scrubber.scrub()
            }
        }
    }

    /// One pass over every region; logs what it repaired and what it could not.
    public func scrub() async -> ScrubResult {
        let started = ContinuousClock.now
        var result = ScrubResult()
        for (region, store) in service.stores.sorted(by: { $0.key < $1.key }) {
            guard let referenced = try? await service.referencedBlobs(in: region) else {
                logger.error("scrub could not list the blobs of a region", metadata: ["iaas.region": "\(region)"])
                continue
            }
            var lost: [BlobDigest] = []
            for blob in referenced {
                guard let digest = BlobDigest(hex: blob.digest) else { continue }
                let check =
                    blob.size <= BlobStore.packLimit
                    ? await store.scrubSmall(digest)
                    : await BlockingIO.run { store.scrubFile(digest) }
                result.blobsChecked += 1
                result.copiesChecked += check.checked
                result.copiesMissing += check.missing
                result.copiesCorrupt += check.corrupt
                result.copiesRepaired += check.repaired
                result.bytesRead += Int64(check.bytesRead)
                if check.lost { lost.append(digest) }
            }
            // A blob whose object was deleted meanwhile is the collector's, not a loss.
            let stillReferenced = (try? await service.referenced(lost.map(\.hex))) ?? Set(lost.map(\.hex))
            for digest in lost where stillReferenced.contains(digest.hex) {
                result.blobsLost.append(digest.hex)
                logger.error(
                    "no zone holds a good copy of a blob: the objects using it cannot be read whole",
                    metadata: ["iaas.blob": "\(digest)", "iaas.region": "\(region)"])
            }
        }
        result.durationSeconds = (ContinuousClock.now - started).totalSeconds
        let metadata: Logger.Metadata = [
            "iaas.blobs": "\(result.blobsChecked)", "iaas.copies.missing": "\(result.copiesMissing)",
            "iaas.copies.corrupt": "\(result.copiesCorrupt)", "iaas.copies.repaired": "\(result.copiesRepaired)",
            "iaas.blobs.lost": "\(result.blobsLost.count)",
        ]
        if result.copiesMissing + result.copiesCorrupt > 0 || !result.blobsLost.isEmpty {
            logger.notice("scrub repaired blob copies", metadata: metadata)
        } else {
            logger.info("scrub found every blob copy whole", metadata: metadata)
        }
        return result
    }
}

extension ObjectService {
    /// Every blob the objects and the uploads in progress of a region's buckets refer to, with its size
    /// (which says whether it is a file or a pack row).
    func referencedBlobs(in region: String) async throws -> [(digest: String, size: Int)] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT c.digest, c.size FROM objectChunk c JOIN bucket b ON b.name = c.bucket
                    WHERE b.region = ?
                    UNION
                    SELECT DISTINCT p.digest, p.size FROM uploadPartChunk p
                    JOIN multipartUpload u ON u.uploadId = p.uploadId JOIN bucket b ON b.name = u.bucket
                    WHERE b.region = ?
                    UNION
                    SELECT DISTINCT k.digest, k.size FROM snapshotBlock k JOIN snapshot s ON s.id = k.snapshotId
                    WHERE s.region = ?
                    """, arguments: [region, region, region]
            ).map { (digest: $0["digest"] as String, size: $0["size"] as Int) }
        }
    }

    /// Which of the digests (hex) an object chunk, an upload's part or a snapshot block refers to.
    func referenced(_ hexes: [String]) async throws -> Set<String> {
        try await database.read { db in
            Set(
                try String.fetchAll(
                    db,
                    ObjectChunkRecord.select(ObjectChunkRecord.Columns.digest)
                        .filter(hexes.contains(ObjectChunkRecord.Columns.digest)))
                    + String.fetchAll(
                        db,
                        UploadPartChunkRecord.select(Column("digest")).filter(hexes.contains(Column("digest"))))
                    + String.fetchAll(
                        db,
                        SnapshotBlockRecord.select(SnapshotBlockRecord.Columns.digest)
                            .filter(hexes.contains(SnapshotBlockRecord.Columns.digest))))
        }
    }
}
