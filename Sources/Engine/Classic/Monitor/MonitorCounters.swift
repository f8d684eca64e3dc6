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

    public init() {}
}
