import GRDB
import Synchronization

/// A write that shares its transaction (and its fsync) with the writes submitted beside it. Each runs in a
/// savepoint of its own: one that throws is rolled back alone and fails alone; the others' results
/// are handed back once the transaction has committed durably.
struct GroupedWrite: Sendable {
    let run: @Sendable (Database) -> Void
}

extension StoreDatabase {
    /// Runs `updates` in a transaction shared with the writes other tasks submit meanwhile, and returns once
    /// that transaction has committed (or throws what `updates` threw, having changed nothing). Many small
    /// concurrent writes (object puts) then cost one commit between them instead of one each.
    ///
    /// `updates` must not open transactions or savepoints that outlive it, and must not depend on running
    /// alone: the writes of a batch run one after another, each seeing the ones before it.
    public func writeGrouped<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        try await grouped.submit([
            GroupedWrite { db in
                do {
                    var value: T?
                    try db.inSavepoint {
                        value = try updates(db)
                        return .commit
                    }
                    outcome.withLock { $0 = value.map { .success($0) } }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                }
            }
        ])
        guard let result = outcome.withLock({ $0 }) else {
            throw DatabaseError(message: "a grouped write ran no body")
        }
        return try result.get()
    }
}
