/// Shadow page tables for a guest that pages: what the hardware walks while the guest's `satp` is Sv32.
/// A shadow leaf maps a guest virtual page straight to the host physical page, composed from the guest's
/// tables (virtual → guest physical) and the monitor's map (guest physical → host physical: one to one
/// over the guest's RAM). Leaves are filled on demand, when the hardware faults on a page the shadow lacks;
/// everything goes at SFENCE.VMA, at a write of the guest's `satp`, when SUM or MXR change, and when the
/// pool of table pages runs out, so a stale translation is never used past the point the ISA allows.
///
/// There are two roots: one for the guest's supervisor mode and one for its user mode, since the hardware
/// runs both in its own user mode and only the shadow can keep the guest's user code off its kernel's pages.
struct ShadowPager {
    let memory: GuestMemory
    /// The pool: the two roots first, then second-level tables.
    let pool: UInt32
    let pages: UInt32
    private var used: UInt32 = 2

    init(memory: GuestMemory, pool: UInt32, pages: UInt32) {
        self.memory = memory
        self.pool = pool
        self.pages = pages
    }

    func root(for mode: PrivilegeMode) -> UInt32 { mode == .user ? pool + 4096 : pool }

    /// Every leaf of both roots: a virtual page number and the host physical address it maps to.
    func leaves() -> [(page: UInt32, frame: UInt32)] {
        var found: [(UInt32, UInt32)] = []
        for root in [root(for: .supervisor), root(for: .user)] {
            for high in 0..<UInt32(1024) where memory.word(at: root + high * 4) & Hart.pteValid != 0 {
                let table = (memory.word(at: root + high * 4) >> 10) << 12
                for low in 0..<UInt32(1024) where memory.word(at: table + low * 4) & Hart.pteValid != 0 {
                    found.append((high << 10 | low, (memory.word(at: table + low * 4) >> 10) << 12))
                }
            }
        }
        return found
    }

    /// Forgets every shadow translation.
    mutating func flush() {
        memory.write([UInt8](repeating: 0, count: Int(used) * 4096), at: pool)
        used = 2
    }

    /// Maps `page` (a virtual page number) to `frame` (a host physical address) in `mode`'s root, with the
    /// hardware permissions `flags` (R, W, X; U, A, D and V are added). False: the pool is spent (flush
    /// and fill again).
    mutating func map(page: UInt32, to frame: UInt32, flags: UInt32, in mode: PrivilegeMode) -> Bool {
        let rootEntry = root(for: mode) + (page >> 10) * 4
        var table = (memory.word(at: rootEntry) >> 10) << 12
        if memory.word(at: rootEntry) & Hart.pteValid == 0 {
            guard used < pages else { return false }
            table = pool + used * 4096
            used += 1
            memory.write([UInt8](repeating: 0, count: 4096), at: table)
            memory.setWord((table >> 12) << 10 | Hart.pteValid, at: rootEntry)
        }
        let leaf = (frame >> 12) << 10 | flags | Hart.pteValid | Hart.pteUser | Hart.pteAccessed | Hart.pteDirty
        memory.setWord(leaf, at: table + (page & 0x3ff) * 4)
        return true
    }
}

extension GuestMemory {
    func word(at address: UInt32) -> UInt32 {
        (bytes + Int(address - base)).loadUnaligned(as: UInt32.self)
    }

    func setWord(_ value: UInt32, at address: UInt32) {
        (bytes + Int(address - base)).storeBytes(of: value, as: UInt32.self)
    }
}
