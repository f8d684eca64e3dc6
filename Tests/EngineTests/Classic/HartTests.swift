import Testing

@testable import Engine

/// The classic engine's hart, instruction by instruction, against values worked out by hand from the ISA
/// manual (what the comments say).
@Suite("RISC-V hart")
struct HartTests {
    static let base: UInt32 = 0x8000_0000
    typealias CSR = ControlStatusRegisters

    /// A hart with `program` at the start of 64 KiB of RAM, its trap vector at +0x800 and, unless said
    /// otherwise, a time that stands still at 0.
    private func hart(_ program: [UInt32], time: UInt64 = 0) -> Hart {
        let memory = GuestMemory(base: Self.base, size: 64 << 10)
        memory.write(
            program.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } }, at: Self.base)
        let bus = Bus(memory: memory)
        let clint = Clint { time }
        bus.map(clint, at: 0x0200_0000, size: 0x1_0000)
        let hart = Hart(bus: bus, clint: clint, resetVector: Self.base)
        hart.csr.mtvec = Self.base + 0x800
        return hart
    }

    private func run(_ hart: Hart, _ count: Int) {
        for _ in 0..<count { hart.step() }
    }

    @Test func integerArithmeticWrapsAndComparesAsTheManualSays() {
        let h = hart([
            RV.lui(1, 0x80000),  // x1 = 0x80000000 (INT32_MIN)
            RV.addi(2, 1, -1),  // x2 = 0x7fffffff: wraps
            RV.add(3, 2, 2),  // x3 = 0xfffffffe
            RV.sub(4, 0, 1),  // x4 = 0 - INT32_MIN = INT32_MIN
            RV.slt(5, 1, 2),  // INT32_MIN < INT32_MAX (signed): 1
            RV.sltu(6, 1, 2),  // 0x80000000 < 0x7fffffff (unsigned): 0
            RV.sltiu(7, 0, -1),  // 0 < 0xffffffff: 1
            RV.srai(8, 1, 4),  // 0xf8000000
            RV.srli(9, 1, 4),  // 0x08000000
            RV.addi(10, 0, 36), RV.sra(11, 3, 10),  // shift by 36 & 31 = 4: 0xffffffff
            RV.auipc(12, 1),  // pc (base + 44) + 0x1000
            RV.addi(0, 0, 5),  // x0 stays 0
        ])
        run(h, 13)
        #expect(h[register: 2] == 0x7fff_ffff && h[register: 3] == 0xffff_fffe && h[register: 4] == 0x8000_0000)
        #expect((h[register: 5], h[register: 6], h[register: 7]) == (1, 0, 1))
        #expect((h[register: 8], h[register: 9], h[register: 11]) == (0xf800_0000, 0x0800_0000, 0xffff_ffff))
        #expect(h[register: 12] == Self.base + 44 + 0x1000 && h[register: 0] == 0)
    }

    @Test func multiplicationAndDivisionFollowTheMExtensionsRules() {
        let m = { (funct3: UInt32, a: UInt32, b: UInt32) in Hart.multiplyDivide(funct3, a, b) }
        #expect(m(0, 0xffff_ffff, 0xffff_ffff) == 1)  // MUL: low word of (-1)·(-1)
        #expect(m(1, 0xffff_ffff, 0xffff_ffff) == 0)  // MULH: high word of 1
        #expect(m(3, 0xffff_ffff, 0xffff_ffff) == 0xffff_fffe)  // MULHU: (2^32-1)^2 >> 32
        #expect(m(2, 0xffff_ffff, 0xffff_ffff) == 0xffff_ffff)  // MULHSU: -1 · (2^32-1) = -(2^32-1) >> 32 = -1
        #expect(m(4, 7, 0) == 0xffff_ffff && m(5, 7, 0) == 0xffff_ffff)  // division by zero: all ones
        #expect(m(6, 7, 0) == 7 && m(7, 7, 0) == 7)  // remainder by zero: the dividend
        #expect(m(4, 0x8000_0000, 0xffff_ffff) == 0x8000_0000 && m(6, 0x8000_0000, 0xffff_ffff) == 0)  // overflow
        #expect(m(4, UInt32(bitPattern: -7), 2) == UInt32(bitPattern: -3))  // DIV rounds toward zero
        #expect(m(6, UInt32(bitPattern: -7), 2) == UInt32(bitPattern: -1))  // REM takes the dividend's sign
        let h = hart([RV.addi(1, 0, -6), RV.addi(2, 0, 4), RV.muldiv(0, 3, 1, 2), RV.muldiv(4, 4, 1, 2)])
        run(h, 4)
        #expect(h[register: 3] == UInt32(bitPattern: -24) && h[register: 4] == UInt32(bitPattern: -1))
    }

    @Test func loadsExtendAndStoresWriteTheirWidth() {
        let h = hart([
            RV.lui(1, 0x80001),  // x1 = base + 0x1000
            RV.lui(2, 0x89abd), RV.addi(2, 2, -0x211),  // x2 = 0x89abcdef
            RV.sw(2, 1, 0),
            RV.lb(3, 1, 0),  // 0xef sign-extended
            RV.lbu(4, 1, 0),  // 0xef
            RV.lh(5, 1, 2),  // 0x89ab sign-extended
            RV.lhu(6, 1, 2),  // 0x89ab
            RV.sb(0, 1, 1),  // byte 1 = 0
            RV.lw(7, 1, 0),  // 0x89ab00ef
        ])
        run(h, 10)
        #expect(h[register: 2] == 0x89ab_cdef)
        #expect((h[register: 3], h[register: 4]) == (0xffff_ffef, 0xef))
        #expect((h[register: 5], h[register: 6]) == (0xffff_89ab, 0x89ab))
        #expect(h[register: 7] == 0x89ab_00ef)
    }

    @Test func branchesAndJumpsLinkAndLand() {
        let h = hart([
            RV.addi(1, 0, -1),
            RV.b(8, 0, 1, 4),  // BLT -1 < 0: taken, to +8 (skipping the next)
            RV.addi(2, 0, 1),  // skipped
            RV.b(8, 0, 1, 6),  // BLTU 0xffffffff < 0: not taken
            RV.jal(3, 8),  // to +8, x3 = the next address
            RV.addi(2, 0, 2),  // skipped
            RV.auipc(4, 0), RV.jalr(5, 4, 9),  // to x4 + 9 with bit 0 cleared: x4 + 8
            RV.addi(2, 0, 3),  // skipped
        ])
        run(h, 6)
        #expect(h[register: 2] == 0, "every skipped instruction was skipped")
        #expect(h[register: 3] == Self.base + 20 && h[register: 5] == Self.base + 32)
        #expect(h.pc == Self.base + 32)
    }

    @Test func atomicsReserveSwapAndAdd() {
        let h = hart([
            RV.lui(1, 0x80001), RV.addi(2, 0, 40), RV.sw(2, 1, 0),
            RV.lrw(3, 1), RV.addi(3, 3, 2), RV.scw(4, 1, 3),  // 40 → 42, SC succeeds: x4 = 0
            RV.scw(5, 1, 0),  // no reservation: fails, x5 = 1, memory unchanged
            RV.addi(6, 0, 8), RV.amo(0x00, 7, 1, 6),  // AMOADD: x7 = 42, memory 50
            RV.addi(8, 0, -1), RV.amo(0x18, 9, 1, 8),  // AMOMINU(50, 0xffffffff): x9 = 50, memory 50
            RV.amo(0x10, 10, 1, 8),  // AMOMIN(50, -1) signed: memory -1
            RV.lw(11, 1, 0),
        ])
        run(h, 13)
        #expect((h[register: 4], h[register: 5], h[register: 7], h[register: 9]) == (0, 1, 42, 50))
        #expect(h[register: 10] == 50 && h[register: 11] == 0xffff_ffff)
    }

    @Test func anIllegalInstructionTrapsToMachineModeWithItsBits() {
        let h = hart([0xffff_ffff])
        h.csr.mstatus |= CSR.statusMIE
        h.step()
        #expect(h.csr.mcause == 2 && h.csr.mepc == Self.base && h.csr.mtval == 0xffff_ffff)
        #expect(h.pc == Self.base + 0x800 && h.mode == .machine)
        #expect(h.csr.mstatus & CSR.statusMIE == 0 && h.csr.mstatus & CSR.statusMPIE != 0)
    }

    @Test func userModeReachesNoMachineRegisterAndItsEcallIsDelegated() {
        // mret into user mode at +12, where the user code tries mscratch, then ecalls.
        let h = hart([
            RV.lui(1, 0x80000), RV.addi(1, 1, 16), RV.csrrw(0, CSR.mepc, 1), RV.mret,  // MPP is user after reset
            RV.csrrs(2, CSR.mscratch, 0),  // illegal in user mode: to machine mode
        ])
        run(h, 4)
        #expect(h.mode == .user && h.pc == Self.base + 16)
        h.step()
        #expect(h.mode == .machine && h.csr.mcause == 2 && h.csr.mepc == Self.base + 16)
        #expect(h.csr.previousMachineMode == .user)

        // Delegated: an ecall from user mode goes to supervisor mode's vector.
        let d = hart([RV.ecall])
        d.csr.medeleg = 1 << 8
        d.csr.stvec = Self.base + 0x400
        d.mode = .user
        d.step()
        #expect(d.mode == .supervisor && d.csr.scause == 8 && d.csr.sepc == Self.base && d.pc == Self.base + 0x400)
        #expect(d.csr.mcause == 0, "machine mode saw nothing")
        #expect(d.csr.mstatus & CSR.statusSPP == 0, "it came from user mode")
    }

    @Test func registersRefuseWhatTheirRulesForbid() {
        let h = hart([
            RV.csrrw(1, CSR.mhartid, 0),  // read-only register written: illegal
            RV.addi(2, 0, -1), RV.csrrw(0, CSR.mstatus, 2),  // only the writable bits change
            RV.csrrs(3, CSR.mstatus, 0),
            RV.csrrs(4, CSR.misa, 0),
            RV.csrrwi(0, 0x7c0, 1),  // no such register: illegal
        ])
        h.step()
        #expect(h.csr.mcause == 2 && h.csr.mepc == Self.base)
        h.pc = Self.base + 4
        run(h, 4)
        #expect(h[register: 3] == CSR.statusWritable, "\(h[register: 3])")
        #expect(h[register: 4] == CSR.isa)
        h.step()
        #expect(h.csr.mcause == 2 && h.csr.mepc == Self.base + 20)
    }

    @Test func misalignedAndUnmappedAccessesFault() {
        let h = hart([RV.lui(1, 0x80001), RV.lw(2, 1, 2), RV.lw(3, 0, 0x40)])
        run(h, 2)
        #expect(h.csr.mcause == 4 && h.csr.mtval == Self.base + 0x1002, "misaligned load")
        h.pc = Self.base + 8
        h.step()
        #expect(h.csr.mcause == 5 && h.csr.mtval == 0x40, "nothing at 0x40")
    }

    @Test func aTimerInterruptWakesAWaitingHart() {
        let h = hart([RV.wfi, RV.addi(1, 0, 1)], time: 1000)
        h.csr.mie = InterruptCode.machineTimer.mask
        h.clint?.timeCompare = 2000
        #expect(h.run(limit: 10) == .waiting, "not due: it waits")
        #expect(h.pc == Self.base)
        h.clint?.timeCompare = 500
        // Due, but machine interrupts are off: WFI ends and the next instruction runs, with no trap.
        #expect(h.run(limit: 1) == .limit)
        #expect(h.pc == Self.base + 8 && h[register: 1] == 1 && h.csr.mcause == 0)
        // Enabled: taken, with mcause's interrupt bit, from the instruction it interrupted.
        h.csr.mstatus |= CSR.statusMIE
        #expect(h.takeInterruptIfAny())
        #expect(h.csr.mcause == 0x8000_0007 && h.pc == Self.base + 0x800 && h.csr.mepc == Self.base + 8)
        #expect(h.csr.mstatus & CSR.statusMIE == 0, "taken with interrupts off")
    }
}
