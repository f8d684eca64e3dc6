import Store

/// Gathers the writes that arrive for one partition while its previous transaction commits, and commits
/// them together: many concurrent sends share one fsync (group commit), with no timer and no added wait
/// for a lone writer.
actor GroupCommitter {
    let partition: MessagePartition
    private var pending: [(writes: [MessageWrite], done: CheckedContinuation<Void, any Error>)] = []
    private var committing = false

    init(partition: MessagePartition) {
        self.partition = partition
    }

    /// Returns once `writes` are committed durably in this partition.
    func commit(_ writes: [MessageWrite]) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((writes, done))
            if !committing {
                committing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                try await partition.apply(batch.flatMap(\.writes))
                for waiter in batch { waiter.done.resume() }
            } catch {
                for waiter in batch { waiter.done.resume(throwing: error) }
            }
        }
        committing = false
    }
}
