/// Gathers the work that arrives while the previous batch commits, and commits it together: concurrent
/// writers share one fsync (group commit), with no timer and no added wait for a lone writer. A batch
/// holds at most `limit` submissions, so one commit's latency stays bounded under a flood.
public actor GroupCommit<Work: Sendable> {
    private let commit: @Sendable ([Work]) async throws -> Void
    private let limit: Int
    private var pending: [(work: [Work], done: CheckedContinuation<Void, any Error>)] = []
    private var committing = false

    /// `commit` makes a batch durable, or throws and fails every submission in it.
    public init(limit: Int = 512, commit: @escaping @Sendable ([Work]) async throws -> Void) {
        self.commit = commit
        self.limit = max(1, limit)
    }

    /// Returns once `work` is committed durably, or throws its batch's error.
    public func submit(_ work: [Work]) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((work, done))
            if !committing {
                committing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(limit))
            pending.removeFirst(batch.count)
            do {
                try await commit(batch.flatMap(\.work))
                for waiter in batch { waiter.done.resume() }
            } catch {
                for waiter in batch { waiter.done.resume(throwing: error) }
            }
        }
        committing = false
    }
}
