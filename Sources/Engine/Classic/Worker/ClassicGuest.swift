import API
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// One machine of a classic worker: its monitor, its console file, and what the worker's scheduler needs to
/// take turns among many (whether it waits, and until when). Touched only on the scheduler's thread.
final class ClassicGuest {
    let description: MachineDescription
    let files: MachineFiles
    private let kernel: ELFImage
    private(set) var monitor: ClassicMonitor
    var paused = false
    /// Set while the guest waits for its timer: no turn before then.
    var waitsUntil: ContinuousClock.Instant?
    /// Set while the guest waits for an interrupt nothing will raise: no turn at all.
    var waitsForever = false
    /// The readiness line, once the guest printed it.
    private(set) var readinessLine: String?
    /// The console's last, unfinished line (a readiness line may come in pieces).
    private var partialLine: [UInt8] = []
    /// Host time spent running the guest, for its MIPS.
    var runTime: Duration = .zero
    let started = Date()
    /// Starts of this machine (a reboot starts it again).
    private(set) var boots = 1

    init(_ description: MachineDescription, files: MachineFiles, kernel: ELFImage) throws(EngineError) {
        self.description = description
        self.files = files
        self.kernel = kernel
        monitor = try Self.monitor(description, kernel: kernel)
    }

    /// The monitor for a boot: the kernel loaded, the root disk on its replica files, the boot arguments in
    /// the device tree.
    private static func monitor(_ description: MachineDescription, kernel: ELFImage) throws(EngineError)
        -> ClassicMonitor
    {
        var disk: (storage: any BlockStorage, bytes: UInt64)?
        if let root = description.disks.first {
            do {
                switch root.backing {
                case .local(let path):
                    disk = (try ReplicatedFiles([path]), size(of: path))
                case .replicated(let replicas):
                    guard replicas.allSatisfy({ $0.segments.count == 1 }), let first = replicas.first?.segments.first
                    else {
                        throw EngineError.startFailed(
                            "the classic engine takes a root volume of one segment per replica")
                    }
                    disk = (
                        try ReplicatedFiles(
                            replicas.map { $0.segments[0].path },
                            changeMap: VolumeChangeMap.path(forFirstSegment: first.path)),
                        first.bytes
                    )
                case .ephemeral(let base, let path):
                    let bytes = size(of: base)
                    disk = (EphemeralOverlay(base: base, path: path, bytes: bytes), bytes)
                }
            } catch let error as EngineError {
                throw error
            } catch {
                throw .startFailed("the root disk cannot be opened: \(error)")
            }
        }
        do {
            return try ClassicMonitor(
                memoryMiB: description.memoryMiB, kernel: kernel, disk: disk,
                bootArguments: bootArguments(description))
        } catch {
            throw .startFailed("the classic monitor refused the machine: \(error)")
        }
    }

    private static func size(of path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? UInt64) ?? 0
    }

    /// What the guest finds in `/chosen/bootargs`: its hostname and address, then the description's own.
    static func bootArguments(_ description: MachineDescription) -> String {
        var words: [String] = []
        if let nic = description.nics.first {
            words += ["hostname=\(nic.hostname)", "address=\(nic.address)"]
        }
        if !description.kernelArguments.isEmpty { words.append(description.kernelArguments) }
        return words.joined(separator: " ")
    }

    /// Starts the guest again from its kernel's entry, with the same disks (SBI reset, RebootInstances).
    func reboot() throws(EngineError) {
        monitor = try Self.monitor(description, kernel: kernel)
        waitsUntil = nil
        waitsForever = false
        readinessLine = nil
        partialLine = []
        boots += 1
    }

    /// Moves what the guest wrote to its UART into the console file; returns whether it printed its
    /// readiness line just now.
    func flushConsole() -> Bool {
        let output = monitor.uart.takeOutput()
        guard !output.isEmpty else { return false }
        appendConsole(output)
        guard readinessLine == nil else { return false }
        partialLine += output
        while let newline = partialLine.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: partialLine[..<newline], as: UTF8.self)
            partialLine.removeSubrange(...newline)
            if line.contains(GuestReadiness.marker) {
                readinessLine = line
                partialLine = []
                return true
            }
        }
        // A guest that never ends a line keeps no more than a line's worth.
        if partialLine.count > 4096 { partialLine.removeFirst(partialLine.count - 4096) }
        return false
    }

    /// The console's last 64 KiB, as GetConsoleOutput returns it.
    private(set) var console: [UInt8] = []
    static let consoleBytes = 64 << 10

    /// Keeps the console in memory while the guest runs: thousands of guests create no file while they
    /// boot. It reaches the console file when the guest ends (`saveConsole`).
    private func appendConsole(_ bytes: [UInt8]) {
        console += bytes
        // Trimmed a chunk at a time, not at every byte.
        if console.count > Self.consoleBytes * 2 { console.removeFirst(console.count - Self.consoleBytes) }
    }

    /// The console's last 64 KiB.
    var consoleTail: [UInt8] { Array(console.suffix(Self.consoleBytes)) }

    /// Writes the console to `run/<id>/console.log`, where it stays after the machine is gone.
    func saveConsole() {
        try? FileManager.default.createDirectory(
            atPath: files.directory.string, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = files.console.string + ".tmp"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(consoleTail), attributes: [.posixPermissions: 0o600])
        else { return }
        _ = rename(temporary, files.console.string)
    }

    /// The figures `vmm.DescribeInstanceStats` shows.
    var statistics: MachineStatistics {
        let counters = monitor.counters
        let instructions = monitor.instructions
        let seconds = Double(runTime.components.seconds) + Double(runTime.components.attoseconds) / 1e18
        return MachineStatistics(
            instructions: instructions,
            mips: seconds > 0 ? Double(instructions) / seconds / 1e6 : 0,
            exitsByCause: Dictionary(uniqueKeysWithValues: counters.exits.map { (Self.causeName($0.key), $0.value) }),
            emulatedInstructions: counters.emulatedInstructions, sbiCalls: counters.sbiCalls,
            ioExits: counters.deviceAccesses, injectedExceptions: counters.injectedExceptions,
            injectedInterrupts: counters.injectedInterrupts, maskedPageFaults: counters.maskedPageFaults,
            injectedPageFaults: counters.injectedPageFaults, shadowFlushes: counters.shadowFlushes,
            pageTableWrites: counters.pageTableWrites, pagesSwappedOut: counters.pagesSwappedOut,
            pagesSwappedIn: counters.pagesSwappedIn, residentBytes: monitor.residentBytes,
            boots: boots, startTime: started)
    }

    /// A hardware cause as the privileged specification names it.
    static func causeName(_ cause: UInt32) -> String {
        if cause >> 31 == 1 {
            return InterruptCode(rawValue: cause & 0x7fff_ffff).map { "\($0)" } ?? "interrupt-\(cause & 0x7fff_ffff)"
        }
        return Trap.Cause(rawValue: cause).map { "\($0)" } ?? "exception-\(cause)"
    }
}
