import API
import Engine
import Foundation
import GRDB
import Store
import Synchronization

extension SnapshotService {
    /// `ec2.CreateSnapshot`: commits the snapshot `pending` and starts its job; the volume stays usable.
    public func createSnapshot(_ request: CreateSnapshotRequest) async throws(CloudError) -> Snapshot {
        try VolumeErrors.requireWellFormed(request.volumeId)
        let description = try Self.validDescription(request.description)
        let tags = try TagRules.tags(of: request.tagSpecifications, for: "snapshot")
        let catalog = volumes.catalog
        let account = account
        let record = try await database.writeOrThrow { db throws(CloudError) -> SnapshotRecord in
            let volume = try VolumeService.fetch(request.volumeId, in: db)
            guard volume.state == .available || volume.state == .inUse else {
                throw VolumeErrors.incorrectState(volume.id, state: volume.state.rawValue, action: "snapshotted")
            }
            guard let region = catalog.region(ofZone: volume.zone) else {
                throw .internalError("The volume \(volume.id)'s zone \(volume.zone) is not configured.")
            }
            let attached = try db.catching {
                try VolumeAttachmentRecord.filter(key: volume.id).fetchCount(db) > 0
            }
            let record = SnapshotRecord(
                id: ResourceID.make("snap"), region: region, volumeId: volume.id, volumeSizeGiB: volume.sizeGiB,
                state: .pending, startTime: Date(), description: description, ownerId: account,
                resumable: !attached)
            try db.catching { try record.insert(db) }
            try TagService.upsert(tags, on: record.id, type: "snapshot", in: db)
            return record
        }
        logger.info(
            "snapshot started",
            metadata: ["iaas.snapshot.id": "\(record.id)", "iaas.volume.id": "\(record.volumeId)"])
        await CrashPoint.reach("snapshot.create.after-intent")
        // The answer waits until the volume is held still: a write the caller makes after it is not in
        // the snapshot.
        await startCapture(record.id).waitUntilHeld()
        return Self.snapshot(record, tags: tags)
    }

    /// Runs a snapshot's job in the background; the returned hold says when the volume is held still.
    @discardableResult
    func startCapture(_ id: String) -> CaptureHold {
        let service = self
        let hold = CaptureHold()
        Task { await service.capture(id, hold: hold) }
        return hold
    }

    /// Steps (2) to (4) of a snapshot; the reconciler runs them again for a resumable one.
    private func capture(_ id: String, hold: CaptureHold) async {
        defer { hold.release() }
        let record: SnapshotRecord
        let volume: VolumeRecord
        do {
            guard let found = try await database.readOrThrow({ db in try SnapshotRecord.fetchOne(db, key: id) }),
                found.state == .pending
            else { return }
            record = found
            guard
                let source = try await database.readOrThrow({ db in try VolumeRecord.fetchOne(db, key: found.volumeId) }
                ),
                VolumeLifecycle.isVisible(source.state), source.state != .creating
            else {
                await fail(id, "The volume \(found.volumeId) was deleted before its data could be read.")
                return
            }
            volume = source
        } catch {
            await fail(id, "The snapshot's records could not be read.", error: error)
            return
        }
        let batch: BlobBatch
        do {
            batch = BlobBatch(store: try store(record.region))
        } catch {
            await fail(id, "\(error)")
            return
        }
        let progress = trackProgress(id)
        let capture = CaptureState()
        defer {
            progress.finish()
            // Every digest the batch pinned, whether the job completed or gave up part way, and the base
            // snapshot's blocks the capture pinned.
            pins.unpin(batch.digests + capture.pinned)
            // A capture that did not complete leaves the change map untracked: its frozen marks are gone.
            if let (map, freeze) = capture.freeze { map.thaw(freeze, completed: nil, writerMarks: false) }
        }
        do {
            let started = ContinuousClock.now
            let blocks = try await read(
                volume, into: batch, snapshot: id, progress: progress, hold: hold, capture: capture)
            let read = ContinuousClock.now
            await CrashPoint.reach("snapshot.create.after-read")
            try await BlockingIO.run { () throws(FileSystemError) in try batch.commit() }
            progress.percent = 99
            logger.info(
                "snapshot blocks stored",
                metadata: [
                    "iaas.snapshot.id": "\(id)", "iaas.blocks": "\(blocks.count)",
                    "iaas.blocks-read": "\(capture.blocksRead)",
                    "iaas.changes-since": "\(capture.base ?? "none")",
                    "iaas.bytes-written": "\(batch.bytesWritten)",
                    "iaas.read-seconds": "\((read - started).totalSeconds)",
                    "iaas.sync-seconds": "\((ContinuousClock.now - read).totalSeconds)",
                ])
            await CrashPoint.reach("snapshot.create.after-blobs")
            try await complete(id, blocks: blocks)
            if let (map, freeze) = capture.freeze {
                capture.freeze = nil
                map.thaw(
                    freeze, completed: id, writerMarks: await quiescer?.writerMarksChanges(volume: volume.id) ?? true)
            }
        } catch {
            batch.abandon()
            await fail(
                id, "The volume's data could not be stored; delete this snapshot and create another.", error: error)
        }
    }

    /// Reads the volume's data blocks into the batch at one instant: under the volume's file lock, with
    /// its machine paused while it has one. The volume's change map is frozen at that instant; when it
    /// knows what changed since a snapshot that still exists, only the changed blocks are read and the
    /// others are that snapshot's.
    private func read(
        _ volume: VolumeRecord, into batch: BlobBatch, snapshot id: String, progress: JobProgress,
        hold: CaptureHold, capture: CaptureState
    )
        async throws -> [SnapshotBlockRecord]
    {
        let files = volumes.replicaFiles(volume)
        let store = volumes.files
        let pins = pins
        let quiescer = quiescer
        return try await volumes.fileLocks.withLock(volume.id) { () async throws -> [SnapshotBlockRecord] in
            let resume = try await quiescer?.quiesce(volume: volume.id)
            let volumeBlocks = Int64(volume.sizeGiB) << 30 / Int64(VolumeBlocks.blockSize)
            if let map = VolumeChangeMap.open(at: files.changeMap.string) {
                capture.freeze = (map, map.freeze(blocks: volumeBlocks))
            }
            hold.release()
            await CrashPoint.reach("snapshot.create.after-pause")
            let base = try await baseBlocks(of: volume, changes: capture)
            let result = await BlockingIO.run { () -> Result<[SnapshotBlockRecord], FileSystemError> in
                Result { () throws(FileSystemError) -> [SnapshotBlockRecord] in
                    let health = try store.health(files)
                    guard let replica = health.firstIndex(of: .ok) else {
                        throw FileSystemError("read", path: files.volumeId, errno: .noSuchFileOrDirectory)
                    }
                    let changed = base == nil ? nil : capture.freeze?.1.changed
                    let total: Int64
                    if let changed {
                        total = Int64(changed.count * VolumeBlocks.blockSize)
                    } else {
                        total = try store.allocatedBytes(files) / Int64(VolumeReplicaFiles.replicaCount)
                    }
                    let found = Mutex((blocks: [SnapshotBlockRecord](), seen: Int64(0)))
                    try VolumeBlocks.forEachDataBlock(of: files, replica: replica, only: changed) {
                        index, bytes, digest in
                        do throws(FileSystemError) {
                            _ = try batch.add(bytes, digest: digest) { pins.pin($0) }
                        } catch {
                            return error
                        }
                        let seen = found.withLock { found in
                            found.blocks.append(
                                SnapshotBlockRecord(snapshotId: id, index: index, digest: digest.hex, size: bytes.count)
                            )
                            found.seen += Int64(bytes.count)
                            return found.seen
                        }
                        progress.percent = Int(min(95, seen * 95 / max(1, total)))
                        return nil
                    }
                    var blocks = found.withLock { $0.blocks }
                    capture.blocksRead = changed?.count ?? blocks.count
                    if let base, let changed {
                        // The base's blocks where nothing was written since; a changed block that now reads
                        // as zeros is simply absent.
                        let rewritten = Set(changed)
                        blocks += base.filter { !rewritten.contains($0.index) }.map { block in
                            SnapshotBlockRecord(
                                snapshotId: id, index: block.index, digest: block.digest, size: block.size)
                        }
                    }
                    return blocks.sorted { $0.index < $1.index }
                }
            }
            await resume?()
            return try result.get()
        }
    }

    /// The blocks of the snapshot the change map counts from, when the map knows what changed and that
    /// snapshot is still a completed snapshot of this volume at its size; nil otherwise (read everything).
    /// Their blobs are pinned first, then the snapshot is looked at again, so that a delete of it meanwhile
    /// cannot let the collector take a blob this snapshot is about to share.
    private func baseBlocks(of volume: VolumeRecord, changes capture: CaptureState) async throws
        -> [SnapshotBlockRecord]?
    {
        guard let freeze = capture.freeze?.1, freeze.changed != nil, let baseId = freeze.baseSnapshotId else {
            return nil
        }
        @Sendable func usable(_ db: Database) throws -> Bool {
            guard let base = try SnapshotRecord.fetchOne(db, key: baseId) else { return false }
            return base.state == .completed && base.volumeId == volume.id && base.volumeSizeGiB == volume.sizeGiB
                && base.sourceSnapshotId == nil
        }
        guard
            let blocks = try await database.readOrThrow({ db -> [SnapshotBlockRecord]? in
                guard try usable(db) else { return nil }
                return try SnapshotBlockRecord.filter(Column("snapshotId") == baseId).fetchAll(db)
            })
        else { return nil }
        let digests = blocks.compactMap { BlobDigest(hex: $0.digest) }
        for digest in digests { pins.pin(digest) }
        capture.pinned += digests
        guard try await database.readOrThrow({ db in try usable(db) }) else { return nil }
        capture.base = baseId
        return blocks
    }

    static func validDescription(_ description: String?) throws(CloudError) -> String {
        let description = description ?? ""
        guard description.count <= 255 else {
            throw .invalidParameterValue("Description must be at most 255 characters; it has \(description.count).")
        }
        return description
    }
}

/// What a capture holds until it ends: the change map it froze, and the base snapshot's blobs it pinned.
final class CaptureState: @unchecked Sendable {
    var freeze: (VolumeChangeMap, VolumeChangeMap.Freeze)?
    var pinned: [BlobDigest] = []
    /// The snapshot whose blocks this one shares where nothing changed, when the map said what changed.
    var base: String?
    /// Blocks read from the volume: the changed ones, or every one that holds data.
    var blocksRead = 0
}

/// Tells `CreateSnapshot` when its job holds the volume still (or gave up), so that it answers only then.
final class CaptureHold: Sendable {
    private let stream: AsyncStream<Never>
    private let continuation: AsyncStream<Never>.Continuation

    init() {
        (stream, continuation) = AsyncStream<Never>.makeStream()
    }

    func release() { continuation.finish() }

    func waitUntilHeld() async {
        for await _ in stream {}
    }
}
