import API
import Foundation
import GRDB
import Store

extension SnapshotService {
    /// The largest disk image imported: the largest EBS volume.
    static let maxImportBytes: Int64 = 16 << 40

    /// `ec2.ImportSnapshot`: (1) the task's row and its snapshot (`pending`, of no volume: `vol-ffffffff`, as
    /// AWS shows imported snapshots) commit together and the call answers; (2) the S3 object's bytes are read
    /// as 512 KiB blocks, all-zero blocks skipped, the others written as blobs; (3) they are made durable
    /// together; (4) the block rows and `completed` commit. An import a crash interrupted starts over: it
    /// reads the same object version, or fails if that version is gone or changed.
    public func importSnapshot(_ request: ImportSnapshotRequest) async throws(CloudError) -> ImportSnapshotResult {
        let container = request.diskContainer
        guard container.url == nil else {
            throw .invalidParameter("A disk image is read from S3 here: give DiskContainer.UserBucket, not Url.")
        }
        guard let source = container.userBucket else {
            throw .invalidParameter("DiskContainer.UserBucket (S3Bucket and S3Key) names the disk image to import.")
        }
        guard let format = container.format, format.uppercased() == "RAW" else {
            throw .invalidParameter(
                "The disk image format \(container.format.map { "'\($0)'" } ?? "(none)") is not supported; only RAW is read here (convert with qemu-img convert -O raw)."
            )
        }
        let description = try Self.validDescription(request.description ?? container.description)
        let account = account
        let (task, snapshot) = try await database.writeOrThrow {
            db throws(CloudError) -> (SnapshotImportRecord, SnapshotRecord) in
            let bucket: BucketRecord
            let object: ObjectRecord
            do throws(CloudError) {
                bucket = try ObjectService.bucket(source.s3Bucket, in: db)
                object = try ObjectVersions.resolve(bucket: source.s3Bucket, key: source.s3Key, versionId: nil, in: db)
            } catch {
                throw .invalidParameter(
                    "The disk image s3://\(source.s3Bucket)/\(source.s3Key) cannot be read: \(error.message)")
            }
            guard object.size > 0, object.size <= Self.maxImportBytes else {
                throw .invalidParameter(
                    "The disk image s3://\(source.s3Bucket)/\(source.s3Key) has \(object.size) bytes; an image holds 1 byte to 16 TiB."
                )
            }
            let snapshot = SnapshotRecord(
                id: ResourceID.make("snap"), region: bucket.region, volumeId: "vol-ffffffff",
                volumeSizeGiB: Int((object.size + (1 << 30) - 1) >> 30), state: .pending, startTime: Date(),
                description: description, ownerId: account, resumable: false)
            let task = SnapshotImportRecord(
                id: ResourceID.make("import-snap"), snapshotId: snapshot.id, bucket: source.s3Bucket,
                key: source.s3Key, versionId: object.versionId, etag: object.etag, size: object.size, format: "RAW",
                description: description, createdAt: Date())
            try db.catching {
                try snapshot.insert(db)
                try task.insert(db)
            }
            return (task, snapshot)
        }
        logger.info(
            "snapshot import started",
            metadata: [
                "iaas.import": "\(task.id)", "iaas.snapshot.id": "\(snapshot.id)",
                "iaas.source": "s3://\(task.bucket)/\(task.key)", "iaas.size": "\(task.size)",
            ])
        await CrashPoint.reach("snapshot.import.after-intent")
        startImport(task)
        return ImportSnapshotResult(
            importTaskId: task.id, description: description, snapshotTaskDetail: Self.detail(task, snapshot))
    }

    /// `ec2.DescribeImportSnapshotTasks`.
    public func describeImportSnapshotTasks(_ request: DescribeImportSnapshotTasksRequest) async throws(CloudError)
        -> DescribeImportSnapshotTasksResult
    {
        let ids = request.importTaskIds ?? []
        let found = try await database.readOrThrow { db in
            let tasks =
                try ids.isEmpty
                ? SnapshotImportRecord.order(Column("createdAt")).fetchAll(db)
                : SnapshotImportRecord.filter(keys: ids).fetchAll(db)
            let snapshots = try SnapshotRecord.filter(keys: tasks.map(\.snapshotId)).fetchAll(db)
            return (tasks, Dictionary(uniqueKeysWithValues: snapshots.map { ($0.id, $0) }))
        }
        let (tasks, snapshots) = found
        if let missing = ids.first(where: { id in !tasks.contains { $0.id == id } }) {
            throw CloudError(
                code: "InvalidConversionTaskId", message: "The import task ID '\(missing)' does not exist.")
        }
        return DescribeImportSnapshotTasksResult(
            importSnapshotTasks: tasks.map { task in
                ImportSnapshotTask(
                    importTaskId: task.id, description: task.description,
                    snapshotTaskDetail: Self.detail(task, snapshots[task.snapshotId]))
            })
    }

    /// AWS's view of an import: `active` while its snapshot is pending, `completed` with the snapshot, or
    /// `deleted` with the reason it failed (or its snapshot was deleted).
    static func detail(_ task: SnapshotImportRecord, _ snapshot: SnapshotRecord?) -> SnapshotTaskDetail {
        let status: String
        var message: String?
        switch snapshot?.state {
        case .pending?:
            status = "active"
            message = "converting"
        case .completed?: status = "completed"
        case .error?:
            status = "deleted"
            message = snapshot?.stateMessage
        case nil:
            status = "deleted"
            message = "The imported snapshot was deleted."
        }
        return SnapshotTaskDetail(
            description: task.description, diskImageSize: Double(task.size), format: task.format,
            progress: snapshot?.state == .pending ? "\(snapshot?.progress ?? 0)" : nil,
            snapshotId: snapshot?.state == .completed ? task.snapshotId : nil, status: status, statusMessage: message,
            userBucket: UserBucket(s3Bucket: task.bucket, s3Key: task.key))
    }

    /// Runs an import's steps (2) to (4) in the background; the reconciler starts an interrupted one again.
    func startImport(_ task: SnapshotImportRecord) {
        let service = self
        Task { await service.runImport(task) }
    }

    private func runImport(_ task: SnapshotImportRecord) async {
        let id = task.snapshotId
        let batch: BlobBatch
        let reader: ChunkReader
        let gone = "The disk image s3://\(task.bucket)/\(task.key) was deleted or changed before it could be read."
        do {
            let (bucket, object, rows) = try await database.readOrThrow { db in
                let bucket = try ObjectService.bucket(task.bucket, in: db)
                let object = try ObjectVersions.resolve(
                    bucket: task.bucket, key: task.key, versionId: task.versionId, in: db)
                return (bucket, object, try ObjectService.chunks(of: object, in: db))
            }
            guard object.etag == task.etag else {
                await fail(id, gone)
                return
            }
            reader = ChunkReader(store: try objects.store(of: bucket), chunks: rows, logger: logger)
            batch = BlobBatch(store: try store(bucket.region))
        } catch {
            await fail(id, gone, error: error)
            return
        }
        let progress = trackProgress(id)
        defer {
            progress.finish()
            pins.unpin(batch.digests)
        }
        do {
            var blocks: [SnapshotBlockRecord] = []
            // The bytes read and not yet cut into a block: a read brings up to a mebibyte.
            var block: [UInt8] = []
            let pins = pins
            func add(_ bytes: [UInt8], index: Int64) async throws {
                guard bytes.contains(where: { $0 != 0 }) else { return }
                let digest = try await BlockingIO.run { () throws(FileSystemError) -> BlobDigest in
                    try bytes.withUnsafeBytes { pointer in
                        Result { () throws(FileSystemError) in try batch.add(pointer) { pins.pin($0) } }
                    }.get()
                }
                blocks.append(SnapshotBlockRecord(snapshotId: id, index: index, digest: digest.hex, size: bytes.count))
            }
            var index: Int64 = 0
            for try await chunk in SourceRange(reader: reader, first: 0, end: task.size) {
                chunk.withUnsafeBytes { block.append(contentsOf: $0) }
                var used = 0
                while block.count - used >= VolumeBlocks.blockSize {
                    try await add(Array(block[used..<used + VolumeBlocks.blockSize]), index: index)
                    index += 1
                    used += VolumeBlocks.blockSize
                }
                block.removeFirst(used)
                progress.percent = Int(min(95, index * Int64(VolumeBlocks.blockSize) * 95 / task.size))
            }
            if !block.isEmpty { try await add(block, index: index) }
            try await BlockingIO.run { () throws(FileSystemError) in try batch.commit() }
            await CrashPoint.reach("snapshot.import.after-blobs")
            try await complete(id, blocks: blocks)
            logger.info(
                "snapshot imported",
                metadata: ["iaas.import": "\(task.id)", "iaas.snapshot.id": "\(id)", "iaas.blocks": "\(blocks.count)"])
        } catch {
            batch.abandon()
            await fail(id, "The disk image could not be read or stored; import it again.", error: error)
        }
    }
}
