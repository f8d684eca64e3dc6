import GRDB
import Store
import Synchronization

/// How many volumes the store holds, kept in memory so `daemon.Status` costs no query.
///
/// Loaded from the table once the reconciler has run; every insert and removal of a volume row adjusts it
/// after its transaction commits.
final class VolumeCount: Sendable {
    private let count = Mutex<Int?>(nil)

    /// Counts the rows; call when no volume action is running (at start, after reconciling).
    func load(from database: StoreDatabase) async throws {
        let rows = try await database.read { db in try VolumeRecord.fetchCount(db) }
        count.withLock { $0 = rows }
    }

    func adjust(by delta: Int) {
        count.withLock { value in value = value.map { $0 + delta } }
    }

    /// The count, or nil before `load`.
    var value: Int? { count.withLock { $0 } }
}
