/// A synchronous exception raised while executing an instruction: its cause code (the privileged spec's
/// `mcause` without the interrupt bit) and `tval`.
public struct Trap: Error, Sendable, Equatable {
    public var cause: Cause
    public var value: UInt32

    public init(_ cause: Cause, value: UInt32 = 0) {
        self.cause = cause
        self.value = value
    }

    /// The exception codes of the privileged architecture.
    public enum Cause: UInt32, Sendable {
        case instructionAddressMisaligned = 0
        case instructionAccessFault = 1
        case illegalInstruction = 2
        case breakpoint = 3
        case loadAddressMisaligned = 4
        case loadAccessFault = 5
        case storeAddressMisaligned = 6
        case storeAccessFault = 7
        case environmentCallFromUser = 8
        case environmentCallFromSupervisor = 9
        case environmentCallFromMachine = 11
        case instructionPageFault = 12
        case loadPageFault = 13
        case storePageFault = 15
    }
}

/// Interrupt codes (`mcause` with the interrupt bit), highest priority first as the spec orders them.
public enum InterruptCode: UInt32, Sendable, CaseIterable {
    case machineExternal = 11
    case machineSoftware = 3
    case machineTimer = 7
    case supervisorExternal = 9
    case supervisorSoftware = 1
    case supervisorTimer = 5

    public var mask: UInt32 { 1 << rawValue }
}
