import Foundation
import Synchronization

/// A shell on a guest's serial console, as `virsh console` gives: commands are typed into the console
/// socket, and their output is read back from the console log, between the command and an end marker.
public final class GuestShell: Sendable {
    private let socket: RawSocket
    private let log: String
    private let counter = Counter()

    /// Connects to a machine's console socket; `log` is the file its console is recorded in.
    public init(socket path: String, log: String) throws {
        socket = try RawSocket(path: path)
        self.log = log
    }

    /// Runs `command` in the guest's shell; returns what it printed (without the trailing newline).
    public func run(_ command: String, timeout: Duration = .seconds(30)) async throws -> String {
        // Typed before the shell reads its terminal, a command would be lost: wait for its first prompt.
        let deadline = ContinuousClock.now + timeout
        while !Self.read(log, from: 0).contains("# ") {
            guard ContinuousClock.now < deadline else {
                throw GuestShellError(description: "the guest's shell never started")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        let marker = "__iaas_done_\(counter.next())__"
        let start = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
        // The marker is printed by the guest, not echoed by the terminal: `printf` joins its halves, on a
        // line of its own even after output that does not end in a newline.
        guard socket.send("\(command); printf '\\n%s\\n' '\(marker.prefix(6))''\(marker.dropFirst(6))'\n") else {
            throw GuestShellError(description: "could not type into the console")
        }
        while ContinuousClock.now < deadline {
            let text = Self.read(log, from: start)
            let lines = text.replacingOccurrences(of: "\r", with: "").split(
                separator: "\n", omittingEmptySubsequences: false)
            if let end = lines.firstIndex(where: { $0 == marker }) {
                // Output runs from the line after the echoed command to the marker.
                let begin = lines[..<end].lastIndex(where: { $0.contains(marker.prefix(6)) }).map { $0 + 1 } ?? 0
                // The newline printed before the marker ends the output's last line, or is an empty line.
                var output = lines[begin..<end]
                if output.last == "" { output = output.dropLast() }
                return output.joined(separator: "\n")
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw GuestShellError(
            description: "no answer from the guest to: \(command); the console said: \(Self.read(log, from: start))")
    }

    private static func read(_ path: String, from offset: Int) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }
}

public struct GuestShellError: Error, CustomStringConvertible {
    public var description: String
}
