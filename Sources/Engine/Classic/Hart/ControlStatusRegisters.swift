/// The hart's control and status registers (Zicsr): machine and supervisor state, the counters, and the
/// rules of who may read and write what. Supervisor views (`sstatus`, `sie`, `sip`) are masks over the
/// machine registers, as the privileged spec defines them.
public struct ControlStatusRegisters: Sendable {
    // Addresses of the registers this hart has.
    public static let sstatus: UInt16 = 0x100
    public static let sie: UInt16 = 0x104
    public static let stvec: UInt16 = 0x105
    public static let scounteren: UInt16 = 0x106
    public static let sscratch: UInt16 = 0x140
    public static let sepc: UInt16 = 0x141
    public static let scause: UInt16 = 0x142
    public static let stval: UInt16 = 0x143
    public static let sip: UInt16 = 0x144
    public static let satp: UInt16 = 0x180
    public static let mstatus: UInt16 = 0x300
    public static let misa: UInt16 = 0x301
    public static let medeleg: UInt16 = 0x302
    public static let mideleg: UInt16 = 0x303
    public static let mie: UInt16 = 0x304
    public static let mtvec: UInt16 = 0x305
    public static let mcounteren: UInt16 = 0x306
    public static let mstatush: UInt16 = 0x310
    public static let mscratch: UInt16 = 0x340
    public static let mepc: UInt16 = 0x341
    public static let mcause: UInt16 = 0x342
    public static let mtval: UInt16 = 0x343
    public static let mip: UInt16 = 0x344
    public static let mcycle: UInt16 = 0xb00
    public static let minstret: UInt16 = 0xb02
    public static let mcycleh: UInt16 = 0xb80
    public static let minstreth: UInt16 = 0xb82
    public static let cycle: UInt16 = 0xc00
    public static let time: UInt16 = 0xc01
    public static let instret: UInt16 = 0xc02
    public static let cycleh: UInt16 = 0xc80
    public static let timeh: UInt16 = 0xc81
    public static let instreth: UInt16 = 0xc82
    public static let mvendorid: UInt16 = 0xf11
    public static let marchid: UInt16 = 0xf12
    public static let mimpid: UInt16 = 0xf13
    public static let mhartid: UInt16 = 0xf14
    /// pmpcfg0…15 and pmpaddr0…63.
    public static let pmpFirst: UInt16 = 0x3a0
    public static let pmpLast: UInt16 = 0x3ef

    // mstatus fields.
    public static let statusSIE: UInt32 = 1 << 1
    public static let statusMIE: UInt32 = 1 << 3
    public static let statusSPIE: UInt32 = 1 << 5
    public static let statusMPIE: UInt32 = 1 << 7
    public static let statusSPP: UInt32 = 1 << 8
    public static let statusMPPShift: UInt32 = 11
    public static let statusMPP: UInt32 = 3 << 11
    public static let statusMPRV: UInt32 = 1 << 17
    public static let statusSUM: UInt32 = 1 << 18
    public static let statusMXR: UInt32 = 1 << 19
    public static let statusTVM: UInt32 = 1 << 20
    public static let statusTW: UInt32 = 1 << 21
    public static let statusTSR: UInt32 = 1 << 22
    /// What software may write in mstatus (no F/V state, little-endian only).
    static let statusWritable: UInt32 =
        statusSIE | statusMIE | statusSPIE | statusMPIE | statusSPP | statusMPP | statusMPRV | statusSUM
        | statusMXR | statusTVM | statusTW | statusTSR
    static let supervisorStatusMask: UInt32 = statusSIE | statusSPIE | statusSPP | statusSUM | statusMXR
    /// Supervisor interrupts (software, timer, external).
    static let supervisorInterrupts: UInt32 = 1 << 1 | 1 << 5 | 1 << 9
    static let machineInterrupts: UInt32 = 1 << 3 | 1 << 7 | 1 << 11
    /// The pending bits software may write in mip: the supervisor ones (the machine ones are wired).
    static let writablePending: UInt32 = supervisorInterrupts
    /// RV32 with I, M, A, S and U.
    public static let isa: UInt32 = 1 << 30 | 1 << 0 | 1 << 8 | 1 << 12 | 1 << 18 | 1 << 20

    public var mstatus: UInt32 = 0
    public var medeleg: UInt32 = 0
    public var mideleg: UInt32 = 0
    public var mie: UInt32 = 0
    /// Pending interrupts; the machine timer, software and external bits follow their devices.
    public var mip: UInt32 = 0
    public var mtvec: UInt32 = 0
    public var mcounteren: UInt32 = 0
    public var mscratch: UInt32 = 0
    public var mepc: UInt32 = 0
    public var mcause: UInt32 = 0
    public var mtval: UInt32 = 0
    public var stvec: UInt32 = 0
    public var scounteren: UInt32 = 0
    public var sscratch: UInt32 = 0
    public var sepc: UInt32 = 0
    public var scause: UInt32 = 0
    public var stval: UInt32 = 0
    public var satp: UInt32 = 0
    public var hartId: UInt32 = 0

    public init() {}

    /// The privilege mode in `mstatus.MPP`.
    public var previousMachineMode: PrivilegeMode {
        get { PrivilegeMode(rawValue: (mstatus & Self.statusMPP) >> Self.statusMPPShift) ?? .user }
        set { mstatus = mstatus & ~Self.statusMPP | newValue.rawValue << Self.statusMPPShift }
    }

    /// Whether `mode` may touch the register at `address` at all (its bits 9:8 name the lowest privilege).
    static func accessible(_ address: UInt16, from mode: PrivilegeMode) -> Bool {
        UInt32(address >> 8 & 3) <= mode.rawValue
    }

    static func isReadOnly(_ address: UInt16) -> Bool { address >> 10 & 3 == 3 }

    /// Reads a register; nil: no such register (an illegal instruction). Counters come from the hart.
    func read(_ address: UInt16, counters: (cycle: UInt64, time: UInt64, instret: UInt64)) -> UInt32? {
        switch address {
        case Self.sstatus: mstatus & Self.supervisorStatusMask
        case Self.sie: mie & mideleg
        case Self.stvec: stvec
        case Self.scounteren: scounteren
        case Self.sscratch: sscratch
        case Self.sepc: sepc
        case Self.scause: scause
        case Self.stval: stval
        case Self.sip: mip & mideleg
        case Self.satp: satp
        case Self.mstatus: mstatus
        case Self.misa: Self.isa
        case Self.medeleg: medeleg
        case Self.mideleg: mideleg
        case Self.mie: mie
        case Self.mtvec: mtvec
        case Self.mcounteren: mcounteren
        case Self.mstatush: 0
        case Self.mscratch: mscratch
        case Self.mepc: mepc
        case Self.mcause: mcause
        case Self.mtval: mtval
        case Self.mip: mip
        case Self.mcycle, Self.cycle: UInt32(truncatingIfNeeded: counters.cycle)
        case Self.mcycleh, Self.cycleh: UInt32(truncatingIfNeeded: counters.cycle >> 32)
        case Self.minstret, Self.instret: UInt32(truncatingIfNeeded: counters.instret)
        case Self.minstreth, Self.instreth: UInt32(truncatingIfNeeded: counters.instret >> 32)
        case Self.time: UInt32(truncatingIfNeeded: counters.time)
        case Self.timeh: UInt32(truncatingIfNeeded: counters.time >> 32)
        case Self.mvendorid, Self.marchid, Self.mimpid: 0
        case Self.mhartid: hartId
        // No PMP entries: the PMP registers exist and read zero, and S and U mode are not restricted.
        case Self.pmpFirst...Self.pmpLast: 0
        default: nil
        }
    }

    /// Writes a register (WARL: only the legal bits change); false: no such writable register.
    mutating func write(_ address: UInt16, _ value: UInt32) -> Bool {
        switch address {
        case Self.sstatus:
            mstatus = mstatus & ~Self.supervisorStatusMask | value & Self.supervisorStatusMask
        case Self.sie: mie = mie & ~mideleg | value & mideleg
        case Self.stvec: stvec = value & ~2
        case Self.scounteren: scounteren = value
        case Self.sscratch: sscratch = value
        case Self.sepc: sepc = value & ~3
        case Self.scause: scause = value
        case Self.stval: stval = value
        case Self.sip:
            let writable = mideleg & Self.writablePending & (1 << 1)
            mip = mip & ~writable | value & writable
        case Self.satp: satp = value  // Bare or Sv32, an ASID, the root table's page
        case Self.mstatus:
            var status = mstatus & ~Self.statusWritable | value & Self.statusWritable
            // MPP holds only a mode the hart has (2 is reserved).
            if status & Self.statusMPP == 2 << Self.statusMPPShift { status &= ~Self.statusMPP }
            mstatus = status
        // misa is fixed; the machine counters count what the hart did and ignore writes.
        case Self.misa, Self.mstatush, Self.mcycle, Self.mcycleh, Self.minstret, Self.minstreth: break
        case Self.medeleg: medeleg = value & 0xb3ff & ~(1 << 11)
        case Self.mideleg: mideleg = value & Self.supervisorInterrupts
        case Self.mie: mie = value & (Self.supervisorInterrupts | Self.machineInterrupts)
        case Self.mtvec: mtvec = value & ~2
        case Self.mcounteren: mcounteren = value
        case Self.mscratch: mscratch = value
        case Self.mepc: mepc = value & ~3
        case Self.mcause: mcause = value
        case Self.mtval: mtval = value
        case Self.mip: mip = mip & ~Self.writablePending | value & Self.writablePending
        case Self.pmpFirst...Self.pmpLast: break
        default: return false
        }
        return true
    }
}
