import GRDB
import Store
import Synchronization

/// How many volumes the store holds, kept in memory so `daemon.Status` costs no query.
///
/// Counted from the table when the service is made, before any action runs; every insert and removal of
/// a volume row adjusts it after its transaction commits.
final class VolumeCount: Sendable {
    private let count: Mutex<Int>

    init(database: StoreDatabase) {
        // Start-up, before serving: a synchronous read is fine here. A store that cannot be read fails
        // every later action loudly; the count then starts at 0.
        count = Mutex((try? database.pool.read { db in try VolumeRecord.fetchCount(db) }) ?? 0)
    }

    func adjust(by delta: Int) {
        count.withLock { $0 += delta }
    }

    var value: Int { count.withLock { $0 } }
}

/// A number the daemon reports from memory, such as the files in `lost+found/`.
public final class Gauge: Sendable {
    private let current = Mutex(0)

    public init() {}

    public func set(_ value: Int) {
        current.withLock { $0 = value }
    }

    public var value: Int { current.withLock { $0 } }
}
