import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The reads and writes of a machine's run directory.
enum MachineFileIO {
    /// Makes the run directory (owner-only), clears what a previous run left, and writes the description
    /// and any VMDK descriptors.
    static func prepare(
        _ files: MachineFiles, description: MachineDescription, descriptors: [(path: FilePath, text: String)]
    ) throws {
        try FileManager.default.createDirectory(
            atPath: files.directory.string, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for stale in [files.pidFile, files.controlSocket, files.shellSocket, files.shellLog, files.console] {
            try? FileManager.default.removeItem(atPath: stale.string)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(String(decoding: try encoder.encode(description), as: UTF8.self), to: files.description)
        for descriptor in descriptors { try write(descriptor.text, to: descriptor.path) }
        // The console exists (empty) before QEMU opens it, with the run directory's owner-only mode.
        try write("", to: files.console)
    }

    /// Writes a small file whole: a temporary file, renamed over the old one.
    static func write(_ text: String, to path: FilePath) throws {
        let temporary = path.string + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        _ = chmod(temporary, 0o600)
        guard rename(temporary, path.string) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path.string])
        }
    }

    static func pid(_ files: MachineFiles) -> pid_t? {
        guard let text = try? String(contentsOfFile: files.pidFile.string, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func description(_ files: MachineFiles) -> MachineDescription? {
        guard let data = FileManager.default.contents(atPath: files.description.string) else { return nil }
        return try? JSONDecoder().decode(MachineDescription.self, from: data)
    }

    /// The last `bytes` of a file (all of a shorter one); empty if it cannot be read.
    static func tail(_ path: FilePath, bytes: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path.string) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > UInt64(bytes) ? size - UInt64(bytes) : 0)
        return [UInt8]((try? handle.readToEnd()) ?? Data())
    }
}
