import API
import Store

extension VolumeService {
    /// The replica health of many volumes in one trip off the cooperative pool: a few `stat` calls each,
    /// no locks. A volume that looks impaired here is confirmed with `confirmedHealth(of:)` before anyone
    /// acts on it or reports it.
    func replicaHealth(of records: [VolumeRecord]) async throws(CloudError) -> [String: [ReplicaHealth]] {
        let replicas = records.map { (id: $0.id, files: replicaFiles($0)) }
        return try await fileWork("-", "inspect") { [files] () throws(FileSystemError) -> [String: [ReplicaHealth]] in
            var health: [String: [ReplicaHealth]] = [:]
            for replica in replicas { health[replica.id] = try files.health(replica.files) }
            return health
        }
    }

    /// Runs `body` with a volume's row as it is now and the health of its replicas, both read under the
    /// volume's file lock, which `body` still holds; nil when the volume is gone or not in a state whose
    /// replicas can be checked. Grows commit under the same lock, so row and files always agree here.
    func withConfirmedHealth<T: Sendable>(
        of id: String, _ body: @Sendable (VolumeRecord, [ReplicaHealth]) async throws(CloudError) -> T
    ) async throws(CloudError) -> T? {
        try await fileLocks.withLock(id) { () async throws(CloudError) -> T? in
            let record = try await database.readOrThrow { db in try VolumeRecord.fetchOne(db, key: id) }
            guard let record, VolumeLifecycle.isRepairable(record.state) else { return nil }
            let replicaFiles = replicaFiles(record)
            let health = try await fileWork(id, "inspect") { [files] () throws(FileSystemError) in
                try files.health(replicaFiles)
            }
            return try await body(record, health)
        }
    }
}
