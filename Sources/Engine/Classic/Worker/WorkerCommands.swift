import Foundation

/// A classic worker's commands, each done on its scheduler's thread.
enum WorkerCommands {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func answer(_ request: QMPValue?, scheduler: ClassicScheduler) async -> Result<QMPValue, Failure> {
        guard let request, let command = request["execute"]?.string else {
            return .failure(Failure(description: "not a command: expected {\"execute\": ...}"))
        }
        let arguments = request["arguments"] ?? .object([:])
        let id = arguments["id"]?.string ?? ""
        switch command {
        case "qmp_capabilities":
            return .success(.object([:]))
        case WorkerProtocol.start:
            guard let machine = try? arguments["machine"]?.decoded(as: MachineDescription.self) else {
                return .failure(Failure(description: "start needs a machine description"))
            }
            let refusal = await scheduler.perform { $0.startGuest(machine) }
            return refusal.map { .failure(Failure(description: $0)) } ?? .success(.object([:]))
        case WorkerProtocol.stop:
            let ended = await scheduler.perform { $0.endGuest(id) }
            return ended ? .success(.object([:])) : .failure(Failure(description: "machine \(id) is not running"))
        case WorkerProtocol.reboot, WorkerProtocol.pause, WorkerProtocol.resume:
            let refusal = await scheduler.perform { scheduler -> String? in
                guard let guest = scheduler.guest(id) else { return "machine \(id) is not running" }
                switch command {
                case WorkerProtocol.reboot:
                    do { try guest.reboot() } catch { return "\(error)" }
                case WorkerProtocol.pause: guest.paused = true
                default: guest.paused = false
                }
                return nil
            }
            return refusal.map { .failure(Failure(description: $0)) } ?? .success(.object([:]))
        case WorkerProtocol.queryMachines:
            let machines = await scheduler.perform { scheduler in
                scheduler.list().map {
                    WorkerProtocol.Machine(
                        id: $0.id, paused: $0.paused, readinessLine: $0.readinessLine, description: $0.description)
                }
            }
            return encode(machines)
        case WorkerProtocol.queryStats:
            guard let statistics = await scheduler.perform({ $0.guest(id)?.statistics }) else {
                return .failure(Failure(description: "machine \(id) is not running"))
            }
            return encode(statistics)
        case WorkerProtocol.queryConsole:
            guard let console = await scheduler.perform({ $0.guest(id)?.consoleTail }) else {
                return .failure(Failure(description: "machine \(id) is not running"))
            }
            return .success(.string(Data(console).base64EncodedString()))
        case WorkerProtocol.quit:
            exit(0)
        default:
            return .failure(Failure(description: "unknown command \(command)"))
        }
    }

    private static func encode(_ value: some Encodable) -> Result<QMPValue, Failure> {
        do {
            return .success(try QMPValue(encoding: value))
        } catch {
            return .failure(Failure(description: "could not encode the answer: \(error)"))
        }
    }
}
