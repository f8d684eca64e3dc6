/// The guest's view of its hart: which mode it believes it runs in, and the supervisor registers it
/// reads and writes. Its code really runs in the hardware's user mode; the monitor keeps this state and
/// makes every privileged act of the guest behave as the real registers would.
struct VirtualSupervisor {
    typealias CSR = ControlStatusRegisters

    var mode: PrivilegeMode = .supervisor
    /// sstatus: SIE, SPIE, SPP, SUM, MXR.
    var status: UInt32 = 0
    var interruptEnable: UInt32 = 0
    var interruptPending: UInt32 = 0
    var trapVector: UInt32 = 0
    var scratch: UInt32 = 0
    var exceptionPC: UInt32 = 0
    var cause: UInt32 = 0
    var trapValue: UInt32 = 0
    var addressTranslation: UInt32 = 0
    var counterEnable: UInt32 = 0
    /// The SBI timer: when the supervisor timer interrupt becomes pending, in CLINT ticks.
    var timerCompare: UInt64 = .max

    static let statusMask: UInt32 = CSR.supervisorStatusMask
    static let interrupts: UInt32 = CSR.supervisorInterrupts
    /// Supervisor software interrupts are the only pending bit software may set or clear itself.
    static let writablePending: UInt32 = 1 << 1

    /// Reads a supervisor register; nil: no such register (an illegal instruction).
    func read(_ address: UInt16) -> UInt32? {
        switch address {
        case CSR.sstatus: status
        case CSR.sie: interruptEnable
        case CSR.stvec: trapVector
        case CSR.scounteren: counterEnable
        case CSR.sscratch: scratch
        case CSR.sepc: exceptionPC
        case CSR.scause: cause
        case CSR.stval: trapValue
        case CSR.sip: interruptPending
        case CSR.satp: addressTranslation
        default: nil
        }
    }

    /// Writes a supervisor register (WARL); false: no such register.
    mutating func write(_ address: UInt16, _ value: UInt32) -> Bool {
        switch address {
        case CSR.sstatus: status = value & Self.statusMask
        case CSR.sie: interruptEnable = value & Self.interrupts
        case CSR.stvec: trapVector = value & ~2
        case CSR.scounteren: counterEnable = value
        case CSR.sscratch: scratch = value
        case CSR.sepc: exceptionPC = value & ~3
        case CSR.scause: cause = value
        case CSR.stval: trapValue = value
        case CSR.sip:
            interruptPending = interruptPending & ~Self.writablePending | value & Self.writablePending
        case CSR.satp: addressTranslation = value  // Bare or Sv32
        default: return false
        }
        return true
    }

    /// The interrupt to deliver now, if one is pending, enabled and allowed in the guest's mode.
    var deliverableInterrupt: UInt32? {
        let ready = interruptPending & interruptEnable
        guard ready != 0, mode == .user || status & CSR.statusSIE != 0 else { return nil }
        // In the spec's order of priority, as the hart takes them.
        return InterruptCode.allCases.first { $0.mask & Self.interrupts & ready != 0 }?.rawValue
    }

    /// Enters the guest's trap handler, as the hardware would: returns the new pc.
    mutating func enterTrap(cause code: UInt32, value: UInt32, interrupt: Bool, pc: UInt32) -> UInt32 {
        exceptionPC = pc
        cause = code | (interrupt ? 1 << 31 : 0)
        trapValue = value
        status = CSR.enteringSupervisorTrap(status, from: mode)
        mode = .supervisor
        return CSR.trapTarget(trapVector, cause: code, interrupt: interrupt)
    }

    /// SRET: returns the pc to resume at.
    mutating func returnFromTrap() -> UInt32 {
        (status, mode) = CSR.returningFromSupervisorTrap(status)
        return exceptionPC
    }
}
