/// A software RISC-V hart: RV32IMA with Zicsr and Zifencei, machine, supervisor and user modes, traps with
/// delegation, and the interrupts of its CLINT. It runs on one thread: whoever owns it calls `run`.
public final class Hart {
    public let bus: Bus
    public let clint: Clint?
    public var pc: UInt32
    public var mode: PrivilegeMode = .machine { didSet { updateTranslation() } }
    public var csr = ControlStatusRegisters() { didSet { updateTranslation() } }
    /// Whether fetches, and loads and stores, go through Sv32 now: kept as the mode, `satp` and
    /// `mstatus.MPRV` change, so an untranslated access costs one test.
    var translatesFetches = false
    var translatesData = false
    /// The virtual page of the last translated fetch and its frame (`.max`: none).
    var fetchPage: UInt32 = .max
    var fetchFrame: UInt32 = 0
    var loadPage: UInt32 = .max
    var loadFrame: UInt32 = 0
    var storePage: UInt32 = .max
    var storeFrame: UInt32 = 0
    /// x0…x31; x0 is kept zero.
    let registers = UnsafeMutablePointer<UInt32>.allocate(capacity: 32)
    public private(set) var instructionsRetired: UInt64 = 0
    /// The address an LR.W reserved, for the SC.W that follows.
    var reservation: UInt32?
    /// Cached Sv32 translations, direct-mapped by virtual page.
    let tlb = UnsafeMutablePointer<TLBEntry>.allocate(capacity: 256)
    static let tlbMask: UInt32 = 255
    /// After WFI: no instruction runs until an interrupt is pending.
    public internal(set) var waitingForInterrupt = false

    public init(bus: Bus, clint: Clint? = nil, resetVector: UInt32) {
        self.bus = bus
        self.clint = clint
        pc = resetVector
        registers.initialize(repeating: 0, count: 32)
        tlb.initialize(repeating: TLBEntry(), count: 256)
    }

    deinit {
        registers.deallocate()
        tlb.deallocate()
    }

    public subscript(register index: Int) -> UInt32 {
        get { registers[index] }
        set { if index != 0 { registers[index] = newValue } }
    }

    /// Why `run` returned.
    public enum Stop: Equatable, Sendable {
        /// It ran the instructions it was given.
        case limit
        /// It waits (WFI) for an interrupt that is not pending.
        case waiting
        /// A device asked to stop (the test device), seen after the instruction that asked.
        case device
        /// With `exitsToMonitor`: a trap reached machine mode, where the monitor (Swift code, not guest
        /// code) takes it; `csr.mcause`, `mepc` and `mtval` say what happened.
        case trapped
    }

    /// When set, machine mode is the monitor's: a trap into it ends `run` instead of running code at `mtvec`.
    public var exitsToMonitor = false

    /// Runs up to `limit` instructions; `shouldStop` is asked after each store to a device.
    public func run(limit: Int, shouldStop: () -> Bool = { false }) -> Stop {
        var executed = 0
        while executed < limit {
            // Interrupts are looked at every 64 instructions and whenever the hart waits: often enough for
            // a timer, rarely enough to cost nothing.
            if executed & 63 == 0 || waitingForInterrupt {
                if takeInterruptIfAny() {
                    waitingForInterrupt = false
                    if exitsToMonitor && mode == .machine { return .trapped }
                } else if waitingForInterrupt {
                    return .waiting
                }
            }
            step()
            executed += 1
            if exitsToMonitor && mode == .machine { return .trapped }
            if deviceTouched {
                deviceTouched = false
                if shouldStop() { return .device }
            }
        }
        return .limit
    }

    /// Executes one instruction, or takes the exception it raises.
    @inline(__always)
    public func step() {
        do throws(Trap) {
            guard let instruction = bus.fetch(try fetchAddress(pc)) else {
                throw Trap(.instructionAccessFault, value: pc)
            }
            try execute(instruction)
            instructionsRetired &+= 1
        } catch {
            take(error)
        }
    }

    /// Set by a load or store that reached a device rather than RAM. The hart's own flag, read after every
    /// instruction: kept here rather than in the bus, whose extra indirection cost 7% of guest speed.
    var deviceTouched = false

    /// Counters as the CSRs show them: cycles are instructions here.
    var counters: (cycle: UInt64, time: UInt64, instret: UInt64) {
        (instructionsRetired, clint?.time ?? 0, instructionsRetired)
    }
}
