import Foundation

extension ClassicMonitor {
    /// A privileged instruction of the guest's supervisor mode, which trapped in the hardware's user mode:
    /// SRET, WFI, SFENCE.VMA and the CSR instructions on supervisor registers are done on the guest's
    /// virtual registers; anything else is illegal for the guest too. Returns where the guest resumes.
    func emulatePrivileged(_ instruction: UInt32, pc: UInt32) -> UInt32 {
        counters.emulatedInstructions += 1
        switch instruction {
        case 0x1020_0073: return guest.returnFromTrap()
        case 0x1050_0073:
            waitForGuestInterrupt()
            return pc &+ 4
        default: break
        }
        if instruction & 0xfe00_7fff == 0x1200_0073 {
            // SFENCE.VMA: the shadow may hold what the guest's tables no longer say.
            if guestPages { flushShadow() }
            return pc &+ 4
        }
        guard instruction & 0x7f == 0x73, let next = emulateCSR(instruction, pc: pc) else {
            return inject(cause: Trap.Cause.illegalInstruction.rawValue, value: instruction, pc: pc)
        }
        return next
    }

    /// CSRRW/S/C and their immediate forms on a supervisor register; nil: not one the guest may use.
    private func emulateCSR(_ instruction: UInt32, pc: UInt32) -> UInt32? {
        let funct3 = instruction >> 12 & 7
        let rd = Int(instruction >> 7 & 31)
        let rs1 = Int(instruction >> 15 & 31)
        let address = UInt16(instruction >> 20)
        guard funct3 != 0, funct3 != 4, let old = guest.read(address) else { return nil }
        let operand = funct3 >= 5 ? UInt32(rs1) : hart[register: rs1]
        if ControlStatusRegisters.instructionWrites(funct3: funct3, rs1: rs1) {
            let value = ControlStatusRegisters.instructionResult(funct3: funct3, old: old, operand: operand)
            let before = (status: guest.status, translation: guest.addressTranslation)
            guard guest.write(address, value) else { return nil }
            let translationBits = ControlStatusRegisters.statusSUM | ControlStatusRegisters.statusMXR
            if guest.addressTranslation != before.translation {
                tablePages.removeAll()
                flushShadow()
            } else if guestPages && (guest.status ^ before.status) & translationBits != 0 {
                flushShadow()
            }
        }
        hart[register: rd] = old
        return pc &+ 4
    }

    /// WFI: the guest idles until an interrupt it enabled is pending: its timer, or (when it enabled no
    /// timer) nothing the monitor can foresee. The turn ends there; the hardware timer brings the guest's
    /// interrupt at its next turn.
    private func waitForGuestInterrupt() {
        guard guest.interruptPending & guest.interruptEnable == 0 else { return }
        idleUntil = guest.interruptEnable >> 5 & 1 == 1 ? guest.timerCompare : .max
    }
}
