import Store

/// One partition and the group commit in front of it: many concurrent sends share one fsync.
final class GroupCommitter: Sendable {
    let partition: MessagePartition
    private let group: GroupCommit<MessageWrite>

    init(partition: MessagePartition) {
        self.partition = partition
        group = GroupCommit { writes in try await partition.apply(writes) }
    }

    /// Returns once `writes` are committed durably in this partition.
    func commit(_ writes: [MessageWrite]) async throws {
        try await group.submit(writes)
    }
}
