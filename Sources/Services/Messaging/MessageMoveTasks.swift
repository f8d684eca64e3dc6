import API
import Foundation

/// The message move tasks of the daemon's life: one running at most per source queue, the finished ones kept
/// for `ListMessageMoveTasks`. In memory: a task a restart interrupts stops where it was (each message it
/// moved moved whole) and is not listed again.
actor MessageMoveTasks {
    struct Task: Sendable {
        var handle: String
        var status: String
        var sourceArn: String
        var destinationArn: String?
        var rate: Int?
        var moved = 0
        var toMove: Int
        var failureReason: String?
        var started: Double
        var cancelled = false
    }

    private var tasks: [Task] = []

    /// Registers a running task; nil if one is already running for that source.
    func start(_ task: Task) -> Bool {
        guard !tasks.contains(where: { $0.sourceArn == task.sourceArn && $0.status == "RUNNING" }) else { return false }
        tasks.append(task)
        return true
    }

    func update(_ handle: String, _ change: (inout Task) -> Void) {
        guard let index = tasks.firstIndex(where: { $0.handle == handle }) else { return }
        change(&tasks[index])
    }

    func task(_ handle: String) -> Task? { tasks.first { $0.handle == handle } }

    /// A source's tasks, newest first.
    func tasks(of sourceArn: String) -> [Task] {
        tasks.filter { $0.sourceArn == sourceArn }.sorted { $0.started > $1.started }
    }
}
