/// What the monitor did for one guest: the figures `vmm.DescribeInstanceStats` will show.
public struct MonitorCounters: Sendable, Equatable {
    /// Exits to the monitor by hardware cause (interrupts with the top bit set).
    public var exits: [UInt32: Int] = [:]
    /// Privileged instructions of the guest's supervisor mode, emulated.
    public var emulatedInstructions = 0
    public var sbiCalls = 0
    /// Guest loads and stores that reached an emulated device.
    public var deviceAccesses = 0
    public var injectedExceptions = 0
    public var injectedInterrupts = 0
    /// Hardware page faults the shadow tables caused and the monitor filled, unseen by the guest.
    public var maskedPageFaults = 0
    /// Page faults the guest's own tables caused, injected into it.
    public var injectedPageFaults = 0
    public var shadowFlushes = 0
    /// Guest stores to its own page tables, caught by write protection and done by the monitor.
    public var pageTableWrites = 0
    /// Guest pages the monitor wrote to its swap file, and read back.
    public var pagesSwappedOut = 0
    public var pagesSwappedIn = 0

    public init() {}
}
