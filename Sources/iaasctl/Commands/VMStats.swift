import API
import ArgumentParser
import Foundation

struct DescribeInstanceVMStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-instance-vm-stats",
        abstract: "Show what the classic VMM counted for a running r32 instance (vmm.DescribeInstanceStats).")

    @OptionGroup var global: GlobalOptions

    @Option var instanceId: String

    func run() async throws {
        try await Invocation(options: global).run(
            Methods.describeInstanceStats, DescribeInstanceStatsRequest(instanceId: instanceId)
        ) { result in
            let stats = result.statistics
            var rows: [[String]] = [
                ["engine", result.engine], ["instructions", "\(stats.instructions)"],
                ["mips", String(format: "%.1f", stats.mips)],
                ["emulated-instructions", "\(stats.emulatedInstructions)"], ["sbi-calls", "\(stats.sbiCalls)"],
                ["io-exits", "\(stats.ioExits)"], ["injected-exceptions", "\(stats.injectedExceptions)"],
                ["injected-interrupts", "\(stats.injectedInterrupts)"],
                ["masked-page-faults", "\(stats.maskedPageFaults)"],
                ["injected-page-faults", "\(stats.injectedPageFaults)"], ["shadow-flushes", "\(stats.shadowFlushes)"],
                ["page-table-writes", "\(stats.pageTableWrites)"], ["pages-swapped-out", "\(stats.pagesSwappedOut)"],
                ["pages-swapped-in", "\(stats.pagesSwappedIn)"], ["resident-bytes", "\(stats.residentBytes)"],
                ["boots", "\(stats.boots)"],
            ]
            rows += stats.exitsByCause.sorted { $0.key < $1.key }.map { ["exits." + $0.key, "\($0.value)"] }
            return Table(headers: ["COUNTER", "VALUE"], rows: rows)
        }
    }
}
