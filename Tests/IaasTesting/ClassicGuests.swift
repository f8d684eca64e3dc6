import Foundation

/// The classic VMM's guest programs, built by `guests/classic/build.sh` (with the toolchain's clang) when
/// missing or older than their sources.
public enum ClassicGuests {
    /// The directory of the built guests (`.build/images/classic`).
    public static func directory() throws -> String {
        let directory = GuestImage.repository + "/.build/images/classic"
        let build = try CommandRun(GuestImage.repository + "/guests/classic/build.sh", [directory])
        guard build.status == 0 else {
            throw GuestShellError(description: "guests/classic/build.sh failed: \(build.stderr)")
        }
        return directory
    }

    /// What a guest prints on the serial port under `qemu-system-riscv32 -M virt -bios none`, the reference
    /// the classic engine is held to; nil when it did not power off within `timeout` seconds (with
    /// `expectExit` false, a guest that runs on is stopped then and what it printed is returned).
    /// With `firmware`, QEMU runs it as the machine-mode firmware and `elf` as the kernel it enters.
    /// `arguments` go to QEMU too (a disk, say).
    public static func referenceConsole(
        _ elf: String, firmware: String? = nil, arguments: [String] = [], timeout: Int = 60, expectExit: Bool = true
    ) throws -> String? {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let console = scratch.path + "/console.txt"
        let run = try CommandRun(
            "/usr/bin/timeout",
            [
                // KILL: QEMU may inherit SIGTERM blocked from the test process, and then would never end.
                "-s", "KILL", String(timeout), "/usr/bin/qemu-system-riscv32", "-M", "virt", "-bios",
                firmware ?? "none", "-m",
                "128M",
                "-kernel", elf, "-display", "none", "-monitor", "none", "-serial", "file:" + console,
            ] + arguments)
        // When it had to kill QEMU, timeout(1) ends by the same signal (Foundation reports 9), or exits 137.
        guard run.status == 0 || (!expectExit && [SIGKILL, 128 + SIGKILL].contains(run.status)) else { return nil }
        return try String(contentsOfFile: console, encoding: .utf8)
    }
}
