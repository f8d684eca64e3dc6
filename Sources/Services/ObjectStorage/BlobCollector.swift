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
        await cancelWhenGracefulShutdown {
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
            guard let referenced = try? await service.referencedBlobs(in: region) else { continue }
            repaired += await repairPacks(store, referenced.filter { $0.size <= BlobStore.packLimit }.map(\.digest))
            let files = Set(referenced.filter { $0.size > BlobStore.packLimit }.map(\.digest))
            repaired += await BlockingIO.run { () -> Int in
                var copies = 0
                let present = store.zones.map { Set(store.list(in: $0).map(\.digest.hex)) }
                for hex in files {
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

    /// Copies small blobs into the packs that lack them.
    private func repairPacks(_ store: BlobStore, _ digests: [String]) async -> Int {
        var copies = 0
        let held = await withTaskGroup(of: (Int, Set<String>).self) { group in
            for (index, pack) in store.packs.enumerated() {
                group.addTask { (index, Set(((try? await pack.pack.list()) ?? []).map(\.digest.hex))) }
            }
            return await group.reduce(into: [Int: Set<String>]()) { $0[$1.0] = $1.1 }
        }
        for hex in digests {
            guard let digest = BlobDigest(hex: hex) else { continue }
            let missing = store.packs.indices.filter { held[$0]?.contains(hex) != true }
            guard !missing.isEmpty, let (bytes, _) = try? await ObjectService.readSmall(digest, from: store) else {
                continue
            }
            for index in missing where (try? await store.packs[index].pack.replace(digest, bytes)) != nil {
                copies += 1
            }
        }
        return copies
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
                    guard let referenced = try? await service.referenced(batch.map(\.hex)) else { continue }
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
        removed += await sweepPacks(cutoff: cutoff)
        if removed > 0 { logger.info("blobs collected", metadata: ["iaas.removed": "\(removed)"]) }
        return removed
    }

    /// The packs' share of a pass. A pack row goes only if still untouched since the cutoff, in the same
    /// statement: a put that renews it first keeps it.
    private func sweepPacks(cutoff: Date) async -> Int {
        var removed = 0
        for store in service.stores.values {
            for pack in store.packs.compactMap({ try? $0.pack }) {
                let old = ((try? await pack.list()) ?? []).filter { $0.touched < cutoff }.map(\.digest)
                for start in stride(from: 0, to: old.count, by: 500) {
                    let batch = Array(old[start..<min(start + 500, old.count)])
                    guard let referenced = try? await service.referenced(batch.map(\.hex)) else { continue }
                    removed +=
                        (try? await pack.remove(batch.filter { !referenced.contains($0.hex) }, untouchedSince: cutoff))
                        ?? 0
                }
            }
        }
        return removed
    }

    /// Removes the temporary files a crashed process left at once, and this process's own only when far
    /// older than the grace period: a live write (a slow client's part) may fill one for minutes, and an
    /// abandoned write removes its own.
    private static func removeTemporaries(_ store: BlobStore, _ zone: ZoneDirectory, before cutoff: Date) -> Int {
        let directory = store.temporaryDirectory(zone).string
        let ownCutoff = cutoff.addingTimeInterval(-ownTemporaryGrace)
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            let path = directory + "/" + name
            if BlobStore.isOwnTemporary(name) {
                guard
                    let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate]
                        as? Date,
                    modified < ownCutoff
                else { continue }
            }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }

    /// How much longer than the grace period this process's own temporary files are kept.
    static let ownTemporaryGrace: TimeInterval = 24 * 3600
}
