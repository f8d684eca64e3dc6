import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Store

/// Mark and sweep of the blob stores: a blob no object chunk refers to, untouched for the grace period,
/// is removed from every zone; so are temporary files a crash left. The grace period keeps a put's blobs
/// (written before the rows that will refer to them) and the blobs a reader still streams; pins keep a
/// blob a put found already present. Each pass also copies referenced blobs into zones that lack them.
/// Runs every `interval`.
public struct BlobCollector: Service, Sendable {
    let service: ObjectService
    let interval: Duration
    let grace: TimeInterval
    private let logger = Logger(label: "iaas.s3.collector")

    /// The grace period: an hour, unless `IAASD_BLOB_GRACE_SECONDS` shortens it so a test can see a sweep.
    public static let configuredGrace: TimeInterval =
        ProcessInfo.processInfo.environment["IAASD_BLOB_GRACE_SECONDS"].flatMap(TimeInterval.init) ?? 3600

    public init(service: ObjectService, interval: Duration = .seconds(60), grace: TimeInterval = configuredGrace) {
        self.service = service
        self.interval = interval
        self.grace = grace
    }

    public func run() async throws {
        // A sweep waits minutes between passes; a shutdown does not wait for the next one.
        let collector = self
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: min(collector.interval, .seconds(max(1, collector.grace))))
                guard !Task.isCancelled else { return }
                _ = await collector.sweep()
                _ = await collector.repairMissing()
            }
        }
    }

    /// Copies every blob an object refers to into the zones that lack it (a put's stragglers that a crash
    /// interrupted, a zone directory that was lost); returns how many copies it made.
    public func repairMissing() async -> Int {
        var repaired = 0
        for (region, store) in service.stores {
            guard
                let referenced = try? await service.database.read({ db in
                    try String.fetchSet(
                        db,
                        sql: """
                            SELECT DISTINCT c.digest FROM objectChunk c JOIN bucket b ON b.name = c.bucket
                            WHERE b.region = ?
                            """, arguments: [region])
                })
            else { continue }
            repaired += await BlockingIO.run { () -> Int in
                var copies = 0
                let present = store.zones.map { Set(store.list(in: $0).map(\.digest.hex)) }
                for hex in referenced {
                    guard let digest = BlobDigest(hex: hex) else { continue }
                    let missing = store.zones.indices.filter { !present[$0].contains(hex) }.map { store.zones[$0] }
                    guard !missing.isEmpty, let (bytes, _) = try? store.read(digest) else { continue }
                    for zone in missing where (try? store.repair(digest, in: zone, from: bytes)) != nil { copies += 1 }
                }
                return copies
            }
        }
        if repaired > 0 { logger.notice("blob copies repaired", metadata: ["iaas.copies": "\(repaired)"]) }
        return repaired
    }

    /// One pass; returns how many blobs (counting each zone's copy) and temporary files it removed.
    public func sweep() async -> Int {
        var removed = 0
        let cutoff = Date().addingTimeInterval(-grace)
        let pins = service.pins
        for store in service.stores.values {
            for zone in store.zones {
                let old = await BlockingIO.run { () -> [BlobDigest] in
                    store.list(in: zone).filter { $0.modified < cutoff }.map(\.digest)
                }
                removed += await BlockingIO.run { Self.removeTemporaries(store, zone, before: cutoff) }
                for start in stride(from: 0, to: old.count, by: 500) {
                    let batch = Array(old[start..<min(start + 500, old.count)])
                    guard
                        let referenced = try? await service.database.read({ db in
                            Set(
                                try String.fetchAll(
                                    db,
                                    ObjectChunkRecord.select(ObjectChunkRecord.Columns.digest)
                                        .filter(batch.map(\.hex).contains(ObjectChunkRecord.Columns.digest))))
                        })
                    else { continue }
                    let doomed = batch.filter { !referenced.contains($0.hex) }
                    removed += await BlockingIO.run { () -> Int in
                        var count = 0
                        for digest in doomed {
                            // Pinned: a put found it present and is about to commit rows for it.
                            pins.unlessPinned(digest) {
                                if (try? store.remove(digest, in: zone, ifUntouchedSince: cutoff)) == true {
                                    count += 1
                                }
                            }
                        }
                        return count
                    }
                }
            }
        }
        if removed > 0 { logger.info("blobs collected", metadata: ["iaas.removed": "\(removed)"]) }
        return removed
    }

    private static func removeTemporaries(_ store: BlobStore, _ zone: ZoneDirectory, before cutoff: Date) -> Int {
        let directory = store.temporaryDirectory(zone).string
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            let path = directory + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                modified < cutoff
            else { continue }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }
}

extension Duration {
    fileprivate var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
