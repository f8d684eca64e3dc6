import Engine
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

// iaas-vmm: a classic worker, started by iaasd's classic driver. It leaves iaasd's session, so that a
// signal to iaasd's terminal or process group does not reach its guests, and serves until its socket is
// removed or it has had no guest for a while.
let usage = "usage: iaas-vmm --socket <path> --run-directory <path> [--idle-exit <seconds>]"
var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let name = arguments.popFirst() {
    guard ["--socket", "--run-directory", "--idle-exit"].contains(name), let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("iaas-vmm: unknown or incomplete option \(name)\n\(usage)\n".utf8))
        exit(64)
    }
    options[name] = value
}
guard let socket = options["--socket"], let runDirectory = options["--run-directory"],
    let idleExit = Double(options["--idle-exit"] ?? "30"), idleExit.isFinite, idleExit >= 0
else {
    FileHandle.standardError.write(Data("\(usage)\n".utf8))
    exit(64)
}
_ = setsid()
signal(SIGPIPE, SIG_IGN)
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .info
    return handler
}
do {
    try await ClassicWorker.serve(
        socketPath: socket, runDirectory: runDirectory, idleExit: .milliseconds(Int64(idleExit * 1000)))
} catch {
    FileHandle.standardError.write(Data("iaas-vmm: \(error)\n".utf8))
    exit(1)
}
