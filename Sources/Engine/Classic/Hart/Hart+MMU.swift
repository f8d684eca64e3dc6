extension Hart {
    /// What an access is for: it decides the permission a page needs and the fault it raises.
    enum Access {
        case fetch, load, store

        var pageFault: Trap.Cause {
            switch self {
            case .fetch: .instructionPageFault
            case .load: .loadPageFault
            case .store: .storePageFault
            }
        }

        var accessFault: Trap.Cause {
            switch self {
            case .fetch: .instructionAccessFault
            case .load: .loadAccessFault
            case .store: .storeAccessFault
            }
        }
    }

    // Sv32 page-table entry bits.
    static let pteValid: UInt32 = 1 << 0
    static let pteRead: UInt32 = 1 << 1
    static let pteWrite: UInt32 = 1 << 2
    static let pteExecute: UInt32 = 1 << 3
    static let pteUser: UInt32 = 1 << 4
    static let pteAccessed: UInt32 = 1 << 6
    static let pteDirty: UInt32 = 1 << 7

    /// The physical address of `address` for `access` at the current privilege: the address itself in
    /// machine mode or with `satp` Bare, else Sv32's two-level walk (through the TLB), with its permission
    /// rules (U, SUM, MXR, MPRV) and the Accessed and Dirty bits set as the walk finds them unset.
    @inline(__always)
    func translate(_ address: UInt32, for access: Access) throws(Trap) -> UInt32 {
        guard access == .fetch ? translatesFetches : translatesData else { return address }
        // The last page loaded from and the last stored to, already checked for this mode (the cache goes
        // with the TLB and at any change of mode or translation registers).
        let page = address >> 12
        switch access {
        case .load where page == loadPage: return loadFrame | address & 0xfff
        case .store where page == storePage: return storeFrame | address & 0xfff
        default: break
        }
        let physical = try translateThroughTables(address, for: access)
        switch access {
        case .load:
            loadPage = page
            loadFrame = physical & ~0xfff
        case .store:
            storePage = page
            storeFrame = physical & ~0xfff
        case .fetch: break
        }
        return physical
    }

    func updateTranslation() {
        forgetRecentPages()
        let sv32 = csr.satp >> 31 == 1
        translatesFetches = sv32 && mode != .machine
        let dataMode =
            mode == .machine && csr.mstatus & CSR.statusMPRV != 0 ? csr.previousMachineMode : mode
        translatesData = sv32 && dataMode != .machine
    }

    private func translateThroughTables(_ address: UInt32, for access: Access) throws(Trap) -> UInt32 {
        let mode: PrivilegeMode
        if access != .fetch && self.mode == .machine && csr.mstatus & CSR.statusMPRV != 0 {
            mode = csr.previousMachineMode
        } else {
            mode = self.mode
        }
        let page = address >> 12
        let slot = Int(page & Self.tlbMask)
        var entry = tlb[slot]
        if entry.page != page || entry.flags & Self.pteValid == 0
            || (access == .store && entry.flags & Self.pteDirty == 0)
        {
            entry = try walk(address, for: access)
            tlb[slot] = entry
        }
        guard Self.permits(entry.flags, access, mode: mode, status: csr.mstatus) else {
            throw Trap(access.pageFault, value: address)
        }
        return entry.frame | address & 0xfff
    }

    /// Sv32's walk: the leaf for `address` (a 4 MiB superpage at the first level), with A (and D for a
    /// store) set in the table.
    private func walk(_ address: UInt32, for access: Access) throws(Trap) -> TLBEntry {
        var table = (csr.satp & 0x3f_ffff) << 12
        var level = 1
        while true {
            let index = level == 1 ? address >> 22 : address >> 12 & 0x3ff
            let pteAddress = table &+ index &* 4
            guard let pte = bus.load(pteAddress, width: 4) else { throw Trap(access.accessFault, value: address) }
            guard pte & Self.pteValid != 0, !(pte & Self.pteRead == 0 && pte & Self.pteWrite != 0) else {
                throw Trap(access.pageFault, value: address)
            }
            let ppn = pte >> 10
            if pte & (Self.pteRead | Self.pteExecute) != 0 {
                // A leaf. A superpage must be aligned: its low PPN is zero.
                if level == 1 && ppn & 0x3ff != 0 { throw Trap(access.pageFault, value: address) }
                // Physical addresses past 4 GiB (Sv32 has 34 bits) are nothing on this bus.
                guard ppn >> 20 == 0 else { throw Trap(access.accessFault, value: address) }
                var updated = pte | Self.pteAccessed
                if access == .store { updated |= Self.pteDirty }
                if updated != pte {
                    guard bus.store(pteAddress, width: 4, value: updated) else {
                        throw Trap(access.accessFault, value: address)
                    }
                }
                let frame = level == 1 ? (ppn << 12 & 0xffc0_0000) | (address & 0x003f_f000) : ppn << 12
                return TLBEntry(page: address >> 12, frame: frame, flags: updated & 0xff)
            }
            guard level == 1 else { throw Trap(access.pageFault, value: address) }
            table = ppn << 12
            level = 0
        }
    }

    /// Whether a leaf with `flags` allows `access` in `mode`, with `status`'s SUM and MXR: Sv32's rules, for
    /// the hart's own walks and for the monitor's walks of a guest's tables.
    @inline(__always)
    static func permits(_ flags: UInt32, _ access: Access, mode: PrivilegeMode, status: UInt32) -> Bool {
        let user = flags & pteUser != 0
        if mode == .user && !user { return false }
        if mode == .supervisor && user && (access == .fetch || status & CSR.statusSUM == 0) { return false }
        switch access {
        case .fetch: return flags & pteExecute != 0
        case .load: return flags & pteRead != 0 || (status & CSR.statusMXR != 0 && flags & pteExecute != 0)
        case .store: return flags & pteWrite != 0
        }
    }

    /// Forgets every cached translation (SFENCE.VMA, a write of `satp`).
    func flushTLB() {
        tlb.update(repeating: TLBEntry(), count: Int(Self.tlbMask) + 1)
        forgetRecentPages()
    }

    private func forgetRecentPages() {
        fetchPage = .max
        loadPage = .max
        storePage = .max
    }

    /// The physical address of the instruction at `pc`: the page of the last fetch is kept, so straight-line
    /// code and loops within a page translate once (the cache goes with the TLB and at any change of mode or
    /// translation registers).
    @inline(__always)
    func fetchAddress(_ pc: UInt32) throws(Trap) -> UInt32 {
        guard translatesFetches else { return pc }
        if pc >> 12 == fetchPage { return fetchFrame | pc & 0xfff }
        let physical = try translate(pc, for: .fetch)
        fetchPage = pc >> 12
        fetchFrame = physical & ~0xfff
        return physical
    }
}

/// A cached Sv32 leaf: the virtual page, its physical frame, and the PTE's low flag bits.
struct TLBEntry {
    var page: UInt32 = 0
    var frame: UInt32 = 0
    var flags: UInt32 = 0
}
