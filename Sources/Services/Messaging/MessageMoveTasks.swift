import API
import Foundation
import GRDB
import Logging
import Store

/// The message move tasks: one running at most per source queue, each a row of the control plane, so a
/// restart resumes a running task where it was (each message it moved moved whole) and ListMessageMoveTasks
/// still shows the ten most recent of a source.
actor MessageMoveTasks {
    typealias Record = MessageMoveTaskRecord

    /// The most recent tasks kept per source queue, as ListMessageMoveTasks shows at most.
    static let keptPerSource = 10

    private let database: StoreDatabase
    private var tasks: [String: Record] = [:]
    /// When each running task's count was last written: at most once a second, it costs the moves nothing.
    private var written: [String: ContinuousClock.Instant] = [:]
    private let logger = Logger(label: "iaas.sqs.move-tasks")

    init(database: StoreDatabase) {
        self.database = database
    }

    /// Reads every task at start: a cancel a crash interrupted is finished (the task is cancelled); the
    /// running ones are returned, to be resumed.
    func load() async throws -> [Record] {
        let rows = try await database.read { db in try Record.fetchAll(db) }
        for var row in rows {
            if row.status == .cancelling {
                row.status = .cancelled
                await save(row)
            }
            tasks[row.handle] = row
        }
        return tasks.values.filter { $0.status == .running }.sorted { $0.startedAt < $1.startedAt }
    }

    /// Registers and stores a running task; false if one is already running (or cancelling) for its source.
    func start(_ task: Record) async throws(CloudError) -> Bool {
        guard !tasks.values.contains(where: { $0.sourceArn == task.sourceArn && $0.isActive }) else { return false }
        let older = tasks.values.filter { $0.sourceArn == task.sourceArn }.sorted { $0.startedAt > $1.startedAt }
            .dropFirst(Self.keptPerSource - 1).map(\.handle)
        try await database.writeOrThrow { db throws(CloudError) in
            try db.catching {
                try task.insert(db)
                _ = try Record.deleteAll(db, keys: older)
            }
        }
        for handle in older { tasks[handle] = nil }
        tasks[task.handle] = task
        written[task.handle] = .now
        return true
    }

    /// Counts messages moved; stored now and then (and always when the task ends).
    func progress(_ handle: String, moved: Int) async {
        guard var task = tasks[handle] else { return }
        task.moved += moved
        tasks[handle] = task
        if let last = written[handle], ContinuousClock.now - last < .seconds(1) { return }
        written[handle] = .now
        await save(task)
    }

    /// Ends a task: completed, cancelled or failed.
    func finish(_ handle: String, _ status: Record.Status, reason: String? = nil) async {
        guard var task = tasks[handle] else { return }
        task.status = status
        task.failureReason = reason
        tasks[handle] = task
        written[handle] = nil
        await save(task)
    }

    /// Asks a running task to stop after the batch it is moving; nil if there is no such task, the task
    /// itself if it is not running.
    func cancel(_ handle: String) async throws(CloudError) -> Record? {
        guard var task = tasks[handle] else { return nil }
        guard task.status == .running else { return task }
        task.status = .cancelling
        let row = task
        try await database.writeOrThrow { db throws(CloudError) in try db.catching { try row.update(db) } }
        tasks[handle] = task
        return task
    }

    func task(_ handle: String) -> Record? { tasks[handle] }

    /// A source's tasks, newest first.
    func tasks(of sourceArn: String) -> [Record] {
        tasks.values.filter { $0.sourceArn == sourceArn }.sorted { $0.startedAt > $1.startedAt }
    }

    /// A write that fails leaves the memory ahead of the row; the next write, or the task's end, catches up.
    private func save(_ task: Record) async {
        do {
            try await database.write { db in try task.update(db) }
        } catch {
            logger.error(
                "could not store a message move task's progress",
                metadata: ["iaas.task": "\(task.handle)", "iaas.error": "\(error)"])
        }
    }
}

extension MessageMoveTaskRecord {
    /// Running or cancelling: the source is busy.
    var isActive: Bool { status == .running || status == .cancelling }
}
