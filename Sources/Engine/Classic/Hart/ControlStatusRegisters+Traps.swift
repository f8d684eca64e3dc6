/// The rules the hart and the monitor's virtual supervisor both follow: Zicsr's read-modify-write, trap
/// entry and return at supervisor level, trap vectors.
extension ControlStatusRegisters {
    /// Whether a CSR instruction writes: CSRRW(I) always; set and clear only with a nonzero rs1 or immediate.
    static func instructionWrites(funct3: UInt32, rs1: Int) -> Bool { funct3 & 3 == 1 || rs1 != 0 }

    /// The value a CSR instruction (funct3 1–3, or 5–7 for the immediate forms) writes over `old`, given its
    /// operand (rs1's value, or the immediate).
    static func instructionResult(funct3: UInt32, old: UInt32, operand: UInt32) -> UInt32 {
        switch funct3 & 3 {
        case 1: operand
        case 2: old | operand
        default: old & ~operand
        }
    }

    /// `status` on taking a trap into supervisor mode from `mode`: SPP says where it came from, SPIE keeps
    /// SIE, SIE goes off.
    static func enteringSupervisorTrap(_ status: UInt32, from mode: PrivilegeMode) -> UInt32 {
        var next = status & ~(statusSPP | statusSPIE | statusSIE)
        if mode == .supervisor { next |= statusSPP }
        if status & statusSIE != 0 { next |= statusSPIE }
        return next
    }

    /// SRET: the status after it (SIE from SPIE, SPIE set, SPP and MPRV clear) and the mode it returns to.
    static func returningFromSupervisorTrap(_ status: UInt32) -> (status: UInt32, mode: PrivilegeMode) {
        var next = status & ~(statusSIE | statusSPP | statusMPRV)
        if status & statusSPIE != 0 { next |= statusSIE }
        return (next | statusSPIE, status & statusSPP != 0 ? .supervisor : .user)
    }

    /// A trap vector's target: the base, or base + 4 × cause for an interrupt in vectored mode.
    static func trapTarget(_ tvec: UInt32, cause: UInt32, interrupt: Bool) -> UInt32 {
        let base = tvec & ~3
        return tvec & 3 == 1 && interrupt ? base &+ 4 &* cause : base
    }
}
