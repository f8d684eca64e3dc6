import Foundation

/// What a VMM counted for one running machine: the classic monitor's view of its guest, as the classic
/// worker reports it and `vmm.DescribeInstanceStats` shows it.
public struct VMStatistics: Sendable, Codable, Equatable {
    /// Guest instructions run, emulated ones included.
    public var instructions: UInt64
    /// Guest instructions per second of host time spent running it, in millions.
    public var mips: Double
    /// Exits to the monitor by hardware cause (`illegalInstruction`, `environmentCallFromUser`,
    /// `loadPageFault`, `machineTimer`, ...).
    public var exitsByCause: [String: Int]
    public var emulatedInstructions: Int
    public var sbiCalls: Int
    /// Guest loads and stores that reached an emulated device (I/O exits).
    public var ioExits: Int
    public var injectedExceptions: Int
    public var injectedInterrupts: Int
    public var maskedPageFaults: Int
    public var injectedPageFaults: Int
    public var shadowFlushes: Int
    public var pageTableWrites: Int
    public var pagesSwappedOut: Int
    public var pagesSwappedIn: Int
    /// Guest memory the host backs now.
    public var residentBytes: Int
    /// Times the machine was started by its VMM (a reboot starts it again).
    public var boots: Int
    public var startTime: Date

    public init(
        instructions: UInt64, mips: Double, exitsByCause: [String: Int], emulatedInstructions: Int, sbiCalls: Int,
        ioExits: Int, injectedExceptions: Int, injectedInterrupts: Int, maskedPageFaults: Int,
        injectedPageFaults: Int, shadowFlushes: Int, pageTableWrites: Int, pagesSwappedOut: Int, pagesSwappedIn: Int,
        residentBytes: Int, boots: Int, startTime: Date
    ) {
        self.instructions = instructions
        self.mips = mips
        self.exitsByCause = exitsByCause
        self.emulatedInstructions = emulatedInstructions
        self.sbiCalls = sbiCalls
        self.ioExits = ioExits
        self.injectedExceptions = injectedExceptions
        self.injectedInterrupts = injectedInterrupts
        self.maskedPageFaults = maskedPageFaults
        self.injectedPageFaults = injectedPageFaults
        self.shadowFlushes = shadowFlushes
        self.pageTableWrites = pageTableWrites
        self.pagesSwappedOut = pagesSwappedOut
        self.pagesSwappedIn = pagesSwappedIn
        self.residentBytes = residentBytes
        self.boots = boots
        self.startTime = startTime
    }
}
