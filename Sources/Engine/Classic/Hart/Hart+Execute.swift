extension Hart {
    /// Executes one 32-bit instruction at `pc`: RV32I, M, A, Zicsr, Zifencei and the privileged
    /// instructions. Throws the exception it raises; `pc` then still names the instruction.
    @inline(__always)
    func execute(_ instruction: UInt32) throws(Trap) {
        let rd = Int(instruction >> 7 & 31)
        let rs1 = Int(instruction >> 15 & 31)
        let rs2 = Int(instruction >> 20 & 31)
        let funct3 = instruction >> 12 & 7
        switch instruction & 0x7f {
        case 0x37:  // LUI
            write(rd, instruction & 0xffff_f000)
        case 0x17:  // AUIPC
            write(rd, pc &+ (instruction & 0xffff_f000))
        case 0x6f:  // JAL
            let target = pc &+ Self.jImmediate(instruction)
            try jump(to: target, link: rd)
            return
        case 0x67:  // JALR
            guard funct3 == 0 else { throw illegal(instruction) }
            let target = (registers[rs1] &+ Self.iImmediate(instruction)) & ~1
            try jump(to: target, link: rd)
            return
        case 0x63:
            let a = registers[rs1]
            let b = registers[rs2]
            let taken: Bool
            switch funct3 {
            case 0: taken = a == b
            case 1: taken = a != b
            case 4: taken = Int32(bitPattern: a) < Int32(bitPattern: b)
            case 5: taken = Int32(bitPattern: a) >= Int32(bitPattern: b)
            case 6: taken = a < b
            case 7: taken = a >= b
            default: throw illegal(instruction)
            }
            if taken {
                let target = pc &+ Self.bImmediate(instruction)
                guard target & 3 == 0 else { throw Trap(.instructionAddressMisaligned, value: target) }
                pc = target
                return
            }
        case 0x03:
            let address = registers[rs1] &+ Self.iImmediate(instruction)
            let value: UInt32
            switch funct3 {
            case 0: value = UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: try load(address, width: 1))))
            case 1: value = UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: try load(address, width: 2))))
            case 2: value = try load(address, width: 4)
            case 4: value = try load(address, width: 1)
            case 5: value = try load(address, width: 2)
            default: throw illegal(instruction)
            }
            write(rd, value)
        case 0x23:
            let address = registers[rs1] &+ Self.sImmediate(instruction)
            guard funct3 <= 2 else { throw illegal(instruction) }
            try store(address, width: 1 << Int(funct3), value: registers[rs2])
        case 0x13:
            let a = registers[rs1]
            let immediate = Self.iImmediate(instruction)
            let shift = immediate & 31
            switch funct3 {
            case 0: write(rd, a &+ immediate)
            case 2: write(rd, Int32(bitPattern: a) < Int32(bitPattern: immediate) ? 1 : 0)
            case 3: write(rd, a < immediate ? 1 : 0)
            case 4: write(rd, a ^ immediate)
            case 6: write(rd, a | immediate)
            case 7: write(rd, a & immediate)
            case 1:
                guard instruction >> 25 == 0 else { throw illegal(instruction) }
                write(rd, a << shift)
            case 5:
                switch instruction >> 25 {
                case 0: write(rd, a >> shift)
                case 0x20: write(rd, UInt32(bitPattern: Int32(bitPattern: a) >> Int32(shift)))
                default: throw illegal(instruction)
                }
            default: throw illegal(instruction)
            }
        case 0x33:
            let a = registers[rs1]
            let b = registers[rs2]
            switch instruction >> 25 {
            case 0:
                switch funct3 {
                case 0: write(rd, a &+ b)
                case 1: write(rd, a << (b & 31))
                case 2: write(rd, Int32(bitPattern: a) < Int32(bitPattern: b) ? 1 : 0)
                case 3: write(rd, a < b ? 1 : 0)
                case 4: write(rd, a ^ b)
                case 5: write(rd, a >> (b & 31))
                case 6: write(rd, a | b)
                default: write(rd, a & b)
                }
            case 0x20:
                switch funct3 {
                case 0: write(rd, a &- b)
                case 5: write(rd, UInt32(bitPattern: Int32(bitPattern: a) >> Int32(b & 31)))
                default: throw illegal(instruction)
                }
            case 1: write(rd, Self.multiplyDivide(funct3, a, b))
            default: throw illegal(instruction)
            }
        case 0x0f:  // FENCE, FENCE.I: one hart, memory in program order, no instruction cache to flush
            guard funct3 <= 1 else { throw illegal(instruction) }
        case 0x2f:
            guard funct3 == 2 else { throw illegal(instruction) }
            try atomic(instruction, rd: rd, rs1: rs1, rs2: rs2)
        case 0x73:
            if funct3 == 0 {
                try system(instruction, rd: rd, rs1: rs1, rs2: rs2)
                return
            }
            try csrInstruction(instruction, rd: rd, rs1: rs1, funct3: funct3)
        default:
            throw illegal(instruction)
        }
        pc &+= 4
    }

    @inline(__always)
    func write(_ rd: Int, _ value: UInt32) {
        if rd != 0 { registers[rd] = value }
    }

    func illegal(_ instruction: UInt32) -> Trap { Trap(.illegalInstruction, value: instruction) }

    private func jump(to target: UInt32, link rd: Int) throws(Trap) {
        guard target & 3 == 0 else { throw Trap(.instructionAddressMisaligned, value: target) }
        write(rd, pc &+ 4)
        pc = target
    }

    @inline(__always)
    func load(_ address: UInt32, width: Int) throws(Trap) -> UInt32 {
        if address & UInt32(width - 1) != 0 { throw Trap(.loadAddressMisaligned, value: address) }
        let physical = try translate(address, for: .load)
        if !bus.memory.contains(physical, count: UInt32(width)) { deviceTouched = true }
        guard let value = bus.load(physical, width: width) else { throw Trap(.loadAccessFault, value: address) }
        return value
    }

    @inline(__always)
    func store(_ address: UInt32, width: Int, value: UInt32) throws(Trap) {
        if address & UInt32(width - 1) != 0 { throw Trap(.storeAddressMisaligned, value: address) }
        let physical = try translate(address, for: .store)
        if !bus.memory.contains(physical, count: UInt32(width)) { deviceTouched = true }
        if reservation == address & ~3 { reservation = nil }
        guard bus.store(physical, width: width, value: value) else {
            throw Trap(.storeAccessFault, value: address)
        }
    }

    /// The M extension's eight operations, with its rules for division by zero and overflow.
    static func multiplyDivide(_ funct3: UInt32, _ a: UInt32, _ b: UInt32) -> UInt32 {
        let sa = Int32(bitPattern: a)
        let sb = Int32(bitPattern: b)
        switch funct3 {
        case 0: return a &* b
        case 1: return UInt32(truncatingIfNeeded: (Int64(sa) * Int64(sb)) >> 32)
        case 2: return UInt32(truncatingIfNeeded: (Int64(sa) * Int64(UInt64(b))) >> 32)
        case 3: return UInt32(truncatingIfNeeded: (UInt64(a) * UInt64(b)) >> 32)
        case 4:
            if b == 0 { return .max }
            if sa == .min && sb == -1 { return a }
            return UInt32(bitPattern: sa / sb)
        case 5: return b == 0 ? .max : a / b
        case 6:
            if b == 0 { return a }
            if sa == .min && sb == -1 { return 0 }
            return UInt32(bitPattern: sa % sb)
        default: return b == 0 ? a : a % b
        }
    }

    /// LR.W, SC.W and the AMOs: word-aligned, on one hart trivially atomic.
    private func atomic(_ instruction: UInt32, rd: Int, rs1: Int, rs2: Int) throws(Trap) {
        let address = registers[rs1]
        let operation = instruction >> 27
        guard address & 3 == 0 else {
            throw Trap(operation == 2 ? .loadAddressMisaligned : .storeAddressMisaligned, value: address)
        }
        switch operation {
        case 2:  // LR.W
            guard rs2 == 0 else { throw illegal(instruction) }
            write(rd, try load(address, width: 4))
            reservation = address
            return
        case 3:  // SC.W
            if reservation == address {
                try store(address, width: 4, value: registers[rs2])
                write(rd, 0)
            } else {
                write(rd, 1)
            }
            reservation = nil
            return
        default: break
        }
        // An AMO reads and writes: a store's translation and faults.
        guard let old = bus.load(try translate(address, for: .store), width: 4) else {
            throw Trap(.storeAccessFault, value: address)
        }
        let b = registers[rs2]
        let new: UInt32
        switch operation {
        case 0x01: new = b  // AMOSWAP
        case 0x00: new = old &+ b
        case 0x04: new = old ^ b
        case 0x0c: new = old & b
        case 0x08: new = old | b
        case 0x10: new = Int32(bitPattern: old) < Int32(bitPattern: b) ? old : b
        case 0x14: new = Int32(bitPattern: old) > Int32(bitPattern: b) ? old : b
        case 0x18: new = min(old, b)
        case 0x1c: new = max(old, b)
        default: throw illegal(instruction)
        }
        try store(address, width: 4, value: new)
        write(rd, old)
    }

    /// ECALL, EBREAK, MRET, SRET, WFI and SFENCE.VMA.
    private func system(_ instruction: UInt32, rd: Int, rs1: Int, rs2: Int) throws(Trap) {
        switch instruction {
        case 0x0000_0073:
            let cause: Trap.Cause =
                switch mode {
                case .user: .environmentCallFromUser
                case .supervisor: .environmentCallFromSupervisor
                case .machine: .environmentCallFromMachine
                }
            throw Trap(cause)
        case 0x0010_0073: throw Trap(.breakpoint, value: pc)
        case 0x3020_0073: try returnFromMachine()
        case 0x1020_0073: try returnFromSupervisor()
        case 0x1050_0073:
            try waitForInterrupt(instruction)
        // The hart stays at the WFI until an interrupt wakes it (`takeInterruptIfAny` moves on).
        default:
            // SFENCE.VMA: every cached translation goes (the TLB is small; a precise flush would not pay).
            guard instruction >> 25 == 0x09, rd == 0 else { throw illegal(instruction) }
            if mode == .user || (mode == .supervisor && csr.mstatus & CSR.statusTVM != 0) {
                throw illegal(instruction)
            }
            flushTLB()
            pc &+= 4
        }
    }

    /// CSRRW, CSRRS, CSRRC and their immediate forms: a read-only register or one above the current
    /// privilege is an illegal instruction; set and clear with x0 (or 0) do not write.
    private func csrInstruction(_ instruction: UInt32, rd: Int, rs1: Int, funct3: UInt32) throws(Trap) {
        let address = UInt16(instruction >> 20)
        guard funct3 != 4, CSR.accessible(address, from: mode) else { throw illegal(instruction) }
        if address == CSR.satp, mode == .supervisor, csr.mstatus & CSR.statusTVM != 0 { throw illegal(instruction) }
        let operand = funct3 >= 5 ? UInt32(rs1) : registers[rs1]
        let writes = CSR.instructionWrites(funct3: funct3, rs1: rs1)
        if writes && CSR.isReadOnly(address) { throw illegal(instruction) }
        guard let old = funct3 & 3 == 1 && rd == 0 ? 0 : csr.read(address, counters: counters) else {
            throw illegal(instruction)
        }
        if writes {
            let value = CSR.instructionResult(funct3: funct3, old: old, operand: operand)
            guard csr.write(address, value) else { throw illegal(instruction) }
            if address == CSR.satp { flushTLB() }
        }
        write(rd, old)
    }

    // MARK: - Immediates

    @inline(__always)
    static func iImmediate(_ instruction: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(bitPattern: instruction) >> 20)
    }

    @inline(__always)
    static func sImmediate(_ instruction: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(bitPattern: instruction & 0xfe00_0000) >> 20) | instruction >> 7 & 0x1f
    }

    @inline(__always)
    static func bImmediate(_ instruction: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(bitPattern: instruction & 0x8000_0000) >> 19) | (instruction & 0x80) << 4
            | instruction >> 20 & 0x7e0 | instruction >> 7 & 0x1e
    }

    @inline(__always)
    static func jImmediate(_ instruction: UInt32) -> UInt32 {
        UInt32(bitPattern: Int32(bitPattern: instruction & 0x8000_0000) >> 11) | instruction & 0xff000
            | instruction >> 9 & 0x800 | instruction >> 20 & 0x7fe
    }
}
