extension Hart {
    typealias CSR = ControlStatusRegisters

    /// Takes a synchronous exception: to supervisor mode when it came from below machine mode and
    /// `medeleg` delegates it, else to machine mode.
    func take(_ trap: Trap) {
        enter(cause: trap.cause.rawValue, value: trap.value, interrupt: false)
    }

    /// The interrupt to take now, if any: pending, enabled, and allowed at the current mode (machine ones
    /// in priority order first, then supervisor ones), as the privileged spec orders them.
    func pendingInterrupt() -> InterruptCode? {
        if let clint {
            let wired =
                csr.mip & ~(InterruptCode.machineTimer.mask | InterruptCode.machineSoftware.mask)
                | (clint.timerInterrupt ? InterruptCode.machineTimer.mask : 0)
                | (clint.softwareInterrupt ? InterruptCode.machineSoftware.mask : 0)
            // Written only when it changes: a write of the registers recomputes what translation applies.
            if wired != csr.mip { csr.mip = wired }
        }
        let pending = csr.mip & csr.mie
        guard pending != 0 else { return nil }
        let machineEnabled = mode < .machine || csr.mstatus & CSR.statusMIE != 0
        let supervisorEnabled = mode < .supervisor || (mode == .supervisor && csr.mstatus & CSR.statusSIE != 0)
        let toMachine = pending & ~csr.mideleg
        let toSupervisor = pending & csr.mideleg
        for code in InterruptCode.allCases {
            if machineEnabled, toMachine & code.mask != 0 { return code }
        }
        for code in InterruptCode.allCases {
            if supervisorEnabled, toSupervisor & code.mask != 0 { return code }
        }
        return nil
    }

    /// Takes the pending interrupt, if there is one to take; whether it did. A hart waiting in WFI wakes
    /// for any pending and enabled interrupt, even one masked by the global enable bits.
    func takeInterruptIfAny() -> Bool {
        if let code = pendingInterrupt() {
            if waitingForInterrupt { pc &+= 4 }
            enter(cause: code.rawValue, value: 0, interrupt: true)
            return true
        }
        if waitingForInterrupt, csr.mip & csr.mie != 0 {
            pc &+= 4
            return true
        }
        return false
    }

    private func enter(cause: UInt32, value: UInt32, interrupt: Bool) {
        reservation = nil
        // One write of the registers and one of the mode: each write updates what translation applies.
        var registers = csr
        let delegated = interrupt ? registers.mideleg : registers.medeleg
        let code = cause | (interrupt ? 1 << 31 : 0)
        if mode <= .supervisor, delegated >> cause & 1 == 1 {
            registers.scause = code
            registers.sepc = pc
            registers.stval = value
            registers.mstatus = CSR.enteringSupervisorTrap(registers.mstatus, from: mode)
            csr = registers
            mode = .supervisor
            pc = CSR.trapTarget(registers.stvec, cause: cause, interrupt: interrupt)
        } else {
            registers.mcause = code
            registers.mepc = pc
            registers.mtval = value
            var status = registers.mstatus & ~(CSR.statusMPIE | CSR.statusMIE)
            if registers.mstatus & CSR.statusMIE != 0 { status |= CSR.statusMPIE }
            registers.mstatus = status
            registers.previousMachineMode = mode
            csr = registers
            mode = .machine
            pc = CSR.trapTarget(registers.mtvec, cause: cause, interrupt: interrupt)
        }
    }

    /// MRET: back to `mstatus.MPP` at `mepc`.
    func returnFromMachine() throws(Trap) {
        guard mode == .machine else { throw Trap(.illegalInstruction, value: 0x3020_0073) }
        var registers = csr
        let previous = registers.previousMachineMode
        var status = registers.mstatus & ~CSR.statusMIE
        if registers.mstatus & CSR.statusMPIE != 0 { status |= CSR.statusMIE }
        status |= CSR.statusMPIE
        if previous != .machine { status &= ~CSR.statusMPRV }
        registers.mstatus = status
        registers.previousMachineMode = .user
        csr = registers
        mode = previous
        pc = registers.mepc
    }

    /// SRET: back to `sstatus.SPP` at `sepc` (illegal in user mode, and in supervisor mode under TSR).
    func returnFromSupervisor() throws(Trap) {
        guard mode == .machine || (mode == .supervisor && csr.mstatus & CSR.statusTSR == 0) else {
            throw Trap(.illegalInstruction, value: 0x1020_0073)
        }
        let (status, previous) = CSR.returningFromSupervisorTrap(csr.mstatus)
        csr.mstatus = status
        mode = previous
        pc = csr.sepc
    }

    /// WFI: wait for an interrupt (illegal below machine mode under TW, and in user mode).
    func waitForInterrupt(_ instruction: UInt32) throws(Trap) {
        if mode == .user || (mode == .supervisor && csr.mstatus & CSR.statusTW != 0) {
            throw Trap(.illegalInstruction, value: instruction)
        }
        waitingForInterrupt = true
    }
}
