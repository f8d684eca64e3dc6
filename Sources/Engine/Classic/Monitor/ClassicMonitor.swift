import Foundation

/// The classic VMM for one guest: trap and emulate. The guest's kernel, written for supervisor mode, runs
/// deprivileged in the hart's user mode; the monitor owns machine mode. Every privileged instruction the
/// guest executes traps (illegal in user mode) and is emulated on `VirtualSupervisor`; its SBI calls
/// (ECALL) are served here; its device accesses fault (no device is mapped in the tables the hardware
/// walks) and are emulated on the monitor's device models; exceptions and interrupts meant for the guest
/// are injected into its trap handler.
///
/// The guest's physical memory is the hart's RAM from 0x80000000; the monitor's own memory (the tables
/// the hardware walks) lies past its end, where no guest mapping reaches.
public final class ClassicMonitor {
    public static let ramBase: UInt32 = 0x8000_0000

    let hart: Hart
    let memory: GuestMemory
    let guestBytes: UInt32
    /// The guest's devices, at QEMU `virt`'s addresses, emulated.
    public let uart = Uart16550()
    public let testDevice = TestDevice()
    /// The guest's disk, at the last virtio-mmio slot (where QEMU puts the first device); the other slots
    /// are empty.
    public let disk: VirtioBlock?
    let emptySlot = VirtioEmptySlot()
    /// The guest's interrupt controller; the disk is its source 8, as the last virtio slot's on `virt`.
    public let plic = Plic()
    static let diskSource = 8
    /// The hardware's timer, which the monitor programs for the guest's SBI timer.
    let clint: Clint
    var guest = VirtualSupervisor()
    var shadow: ShadowPager
    /// The monitor's paging of guest memory to a swap file, when the guest's memory is limited.
    let pager: GuestPager?
    /// The guest's page-table pages (guest physical page numbers) its walks have gone through: the shadow
    /// maps them read-only, so a write to one is caught.
    var tablePages: Set<UInt32> = []
    /// The table pages of the last guest walk.
    var walkedTables: [UInt32] = []
    static let shadowPages: UInt32 = 256
    public internal(set) var counters = MonitorCounters()
    /// Set by an SBI shutdown or reset.
    var shutdown: ClassicMachine.Outcome?
    /// Set by the guest's WFI when no interrupt it enabled is pending: the time (CLINT ticks) its timer is
    /// due, or `.max` for none.
    var idleUntil: UInt64?

    /// A guest of `memoryMiB` running `kernel` from its entry in supervisor mode, as SBI firmware starts a
    /// kernel (a0 = hart id, a1 = its device tree, or 0 for none), with a disk of `disk.bytes` on the
    /// storage given. With `swap`, at most `swap.residentPages` of its pages stay in memory and the rest go to
    /// a swap file. With `bootArguments`, the guest gets a device tree at the top of its RAM, as QEMU's
    /// `virt` board places it, with them as `/chosen/bootargs`.
    public init(
        memoryMiB: Int, kernel: ELFImage, disk: (storage: any BlockStorage, bytes: UInt64)? = nil,
        swap: (path: String, residentPages: Int)? = nil, bootArguments: String? = nil
    ) throws {
        guestBytes = UInt32(memoryMiB) << 20
        memory = GuestMemory(base: Self.ramBase, size: guestBytes + Self.shadowPages * 4096)
        shadow = ShadowPager(memory: memory, pool: Self.ramBase + guestBytes, pages: Self.shadowPages)
        let bus = Bus(memory: memory)
        clint = Clint.startingNow()
        bus.map(clint, at: 0x0200_0000, size: 0x1_0000)
        for segment in kernel.segments {
            let end = UInt64(segment.address) + UInt64(segment.bytes.count) + UInt64(segment.zeroFill)
            guard segment.address >= Self.ramBase, end <= UInt64(Self.ramBase) + UInt64(guestBytes) else {
                throw ELFImage.Failure.truncated
            }
            memory.write(segment.bytes, at: segment.address)
        }
        var treeAddress: UInt32 = 0
        if let bootArguments {
            let tree = FlattenedDeviceTree(
                memoryBase: Self.ramBase, memoryBytes: guestBytes, bootArguments: bootArguments
            ).blob
            treeAddress = Self.ramBase + guestBytes - (UInt32(tree.count) + 4095) & ~4095
            memory.write(tree, at: treeAddress)
        }
        let ram = memory
        let bytes = guestBytes
        pager = try swap.map {
            try GuestPager(memory: ram, guestBytes: bytes, residentLimit: $0.residentPages, swapPath: $0.path)
        }
        self.disk = disk.map { VirtioBlock(memory: ram, storage: $0.storage, bytes: $0.bytes) }
        hart = Hart(bus: bus, clint: clint, resetVector: kernel.entry)
        hart.exitsToMonitor = true
        hart.csr.mie = InterruptCode.machineTimer.mask
        hart.csr.satp = 1 << 31 | shadow.root(for: .supervisor) >> 12
        self.disk?.prepare = { [unowned self] address, count in self.ensureResident(address, count: count) }
        hart.mode = .user
        hart[register: 11] = treeAddress
    }

    /// Guest memory the host backs now (the monitor's own tables included).
    public var residentBytes: Int { memory.residentBytes }

    /// The instructions the guest has run (emulated ones included).
    public var instructions: UInt64 { hart.instructionsRetired }

    /// Runs the guest until it shuts down (SBI or the test device) or `budget` instructions have run; a guest
    /// waiting for its timer sleeps until it is due.
    public func run(budget: Int) -> ClassicMachine.Outcome {
        let end = instructions + UInt64(max(0, budget))
        while instructions < end {
            switch turn(budget: Int(end - instructions)) {
            case .ran: break
            case .ended(let outcome): return outcome
            case .idle(let until?):
                let now = ContinuousClock.now
                if until > now { Thread.sleep(forTimeInterval: min(1, Double((until - now) / .microseconds(1)) / 1e6)) }
            case .idle(nil):
                // Waiting for nothing that can come: it would wait forever.
                return .stillRunning
            }
        }
        return .stillRunning
    }

    /// How one turn of the guest on the hardware ended.
    public enum Turn: Equatable, Sendable {
        /// It ran its budget, and can go on.
        case ran
        /// It waits for an interrupt (WFI): its timer, due at that instant, or nothing expected (nil). It runs
        /// on from where it waited at its next turn.
        case idle(until: ContinuousClock.Instant?)
        case ended(ClassicMachine.Outcome)
    }

    /// Runs the guest for at most `budget` instructions; returns early when it shuts down or waits for an
    /// interrupt, so that one thread can take turns among many guests.
    public func turn(budget: Int) -> Turn {
        var left = budget
        while left > 0 {
            let before = hart.instructionsRetired
            let stop = hart.run(limit: min(left, 1 << 16)) { [testDevice] in testDevice.request != nil }
            left -= Int(hart.instructionsRetired - before) + 1
            if stop == .trapped { handleExit() }
            if let shutdown { return .ended(shutdown) }
            if let outcome = testDevice.outcome { return .ended(outcome) }
            if let waiting = idleUntil {
                idleUntil = nil
                guard waiting != .max else { return .idle(until: nil) }
                let ticks = waiting > clint.time ? waiting - clint.time : 0
                return .idle(until: .now + .nanoseconds(Int64(ticks * (1_000_000_000 / Clint.frequency))))
            }
            deliverInterrupt()
        }
        return .ran
    }

    /// A trap reached machine mode: take it as the monitor, then resume the guest in the hardware's user
    /// mode.
    private func handleExit() {
        let cause = hart.csr.mcause
        let pc = hart.csr.mepc
        let value = hart.csr.mtval
        counters.exits[cause, default: 0] += 1
        var next: UInt32
        if cause >> 31 == 1 {
            // The hardware timer: the guest's SBI timer is due.
            guest.interruptPending |= 1 << 5
            clint.timeCompare = .max
            next = pc
        } else {
            switch Trap.Cause(rawValue: cause) {
            case .environmentCallFromUser?:
                if guest.mode == .supervisor {
                    serveSBI()
                    next = pc &+ 4
                } else {
                    next = inject(cause: 8, value: 0, pc: pc)
                }
            case .illegalInstruction?:
                next =
                    guest.mode == .supervisor
                    ? emulatePrivileged(value, pc: pc) : inject(cause: 2, value: value, pc: pc)
            case .loadPageFault?, .storePageFault?, .instructionPageFault?:
                next = pageFault(cause, at: value, pc: pc)
            default:
                // Misaligned accesses, breakpoints, access faults: the guest's, as they are.
                next = inject(cause: cause, value: value, pc: pc)
            }
        }
        resume(at: next)
    }

    /// Back to the guest at `pc`, on the tables for the mode it is now in.
    func resume(at pc: UInt32) {
        let translation = hardwareTranslation
        if hart.csr.satp != translation {
            hart.csr.satp = translation
            hart.flushTLB()
        }
        hart.mode = .user
        hart.pc = pc
    }

    /// Enters the guest's trap handler with an exception; returns where it resumes.
    func inject(cause: UInt32, value: UInt32, pc: UInt32) -> UInt32 {
        counters.injectedExceptions += 1
        return guest.enterTrap(cause: cause, value: value, interrupt: false, pc: pc)
    }

    /// Delivers the guest's pending interrupt if it may take one now.
    func deliverInterrupt() {
        guard let code = guest.deliverableInterrupt else { return }
        counters.injectedInterrupts += 1
        resume(at: guest.enterTrap(cause: code, value: 0, interrupt: true, pc: hart.pc))
    }
}
