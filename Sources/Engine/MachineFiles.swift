import SystemPackage

/// Where a machine's files live: `run/<id>/` under the data directory, owner-only. The VMM's pid file, its
/// control socket, its console log and the description it was started with.
public struct MachineFiles: Sendable, Equatable {
    public let directory: FilePath

    public init(runDirectory: FilePath, id: String) {
        directory = runDirectory.appending(id)
    }

    public var pidFile: FilePath { directory.appending("vmm.pid") }
    public var controlSocket: FilePath { directory.appending("qmp.sock") }
    public var console: FilePath { directory.appending("console.log") }
    /// The guest's shell on its virtio console: the socket a person (or a test) types into, and its log.
    public var shellSocket: FilePath { directory.appending("shell.sock") }
    public var shellLog: FilePath { directory.appending("shell.log") }
    public var description: FilePath { directory.appending("machine.json") }

    /// The descriptor through which the VMM opens a replica of several segment files.
    func descriptor(disk: String, replica: Int) -> FilePath {
        directory.appending("\(disk).\(replica).vmdk")
    }

    /// Unix socket paths are limited to 107 bytes.
    static let maxSocketPath = 107
}
