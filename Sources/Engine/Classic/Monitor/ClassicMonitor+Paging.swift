extension ClassicMonitor {
    typealias Access = Hart.Access

    /// Whether the guest's own `satp` turns Sv32 on.
    var guestPages: Bool { guest.addressTranslation >> 31 == 1 }

    /// What the guest's translation of an address came to.
    enum GuestTranslation {
        case physical(UInt32, flags: UInt32)
        /// The guest's own tables refuse it: a page fault for the guest.
        case pageFault
        /// Its tables lie outside its RAM: an access fault for the guest.
        case accessFault
    }

    /// The guest's Sv32 walk as its hardware would do it, over its memory: its permission rules for the
    /// mode it is in (U, SUM, MXR), and Accessed and Dirty set in its tables.
    func guestTranslate(_ address: UInt32, for access: Access) -> GuestTranslation {
        walkedTables.removeAll(keepingCapacity: true)
        // Without paging its addresses are physical, and all its own, in either mode.
        guard guestPages else { return .physical(address, flags: Self.bareLeaf) }
        var table = (guest.addressTranslation & 0x3f_ffff) << 12
        for level in [1, 0] {
            walkedTables.append(table >> 12)
            let pteAddress = table &+ (level == 1 ? address >> 22 : address >> 12 & 0x3ff) &* 4
            guard isGuestRAM(pteAddress) else { return .accessFault }
            ensureResident(pteAddress, count: 4)
            let pte = memory.word(at: pteAddress)
            guard pte & Hart.pteValid != 0, !(pte & Hart.pteRead == 0 && pte & Hart.pteWrite != 0) else {
                return .pageFault
            }
            let ppn = pte >> 10
            guard pte & (Hart.pteRead | Hart.pteExecute) != 0 else {
                table = ppn << 12
                continue
            }
            if level == 1 && ppn & 0x3ff != 0 { return .pageFault }
            guard Hart.permits(pte, access, mode: guest.mode, status: guest.status) else { return .pageFault }
            let updated = pte | Hart.pteAccessed | (access == .store ? Hart.pteDirty : 0)
            if updated != pte { memory.setWord(updated, at: pteAddress) }
            let physical =
                level == 1 ? (ppn << 12 & 0xffc0_0000) | (address & 0x003f_ffff) : ppn << 12 | (address & 0xfff)
            return .physical(physical, flags: updated & 0xff)
        }
        return .pageFault
    }

    func isGuestRAM(_ address: UInt32) -> Bool { address &- Self.ramBase < guestBytes }

    /// A page fault of the hardware at `address`. With the guest paging: a page its tables map is filled
    /// into the shadow and the access runs again (masked from the guest); one they refuse is injected as
    /// the guest's page fault. A device is emulated; anything else is the guest's access fault.
    func pageFault(_ cause: UInt32, at address: UInt32, pc: UInt32) -> UInt32 {
        let access: Access =
            switch Trap.Cause(rawValue: cause) {
            case .instructionPageFault?: .fetch
            case .storePageFault?: .store
            default: .load
            }
        switch guestTranslate(address, for: access) {
        case .pageFault:
            counters.injectedPageFaults += 1
            return inject(cause: access.pageFault.rawValue, value: address, pc: pc)
        case .accessFault:
            return inject(cause: access.accessFault.rawValue, value: address, pc: pc)
        case .physical(let physical, let flags):
            if isGuestRAM(physical) {
                ensureResident(physical, count: 1)
                // The walk's tables are write-protected from now on; a shadow leaf that let them be
                // written must go.
                if !walkedTables.allSatisfy({ tablePages.contains($0) }) {
                    tablePages.formUnion(walkedTables)
                    flushShadow()
                }
                let protected = tablePages.contains(physical >> 12)
                if access == .store && protected && flags & Hart.pteDirty != 0 {
                    return writePageTable(at: physical, pc: pc)
                }
                fillShadow(page: address >> 12, frame: physical & ~0xfff, guestFlags: flags, protected: protected)
                counters.maskedPageFaults += 1
                return pc
            }
            guard access != .fetch, case .physical(let code, _) = guestTranslate(pc, for: .fetch), isGuestRAM(code)
            else {
                return inject(cause: access.accessFault.rawValue, value: address, pc: pc)
            }
            ensureResident(code, count: 4)
            return accessDevice(
                at: physical, virtual: address, pc: pc, store: access == .store, instruction: memory.word(at: code))
        }
    }

    /// The shadow leaf for a page the guest's tables map, with its permissions as the hardware must
    /// enforce them in the guest's mode: writable only once the guest's PTE is dirty (so the first store
    /// comes back here to set D), never executable from supervisor mode if it is a user page, readable
    /// if executable under MXR.
    private func fillShadow(page: UInt32, frame: UInt32, guestFlags flags: UInt32, protected: Bool) {
        var permissions = flags & (Hart.pteRead | Hart.pteWrite | Hart.pteExecute)
        if flags & Hart.pteDirty == 0 || protected { permissions &= ~Hart.pteWrite }
        if guest.mode == .supervisor && flags & Hart.pteUser != 0 { permissions &= ~Hart.pteExecute }
        if guest.status & ControlStatusRegisters.statusMXR != 0 && flags & Hart.pteExecute != 0 {
            permissions |= Hart.pteRead
        }
        if !shadow.map(page: page, to: frame, flags: permissions, in: guest.mode) {
            flushShadow()
            _ = shadow.map(page: page, to: frame, flags: permissions, in: guest.mode)
        }
        // The hardware's TLB may hold this page's old, narrower leaf.
        hart.flushTLB()
    }

    /// A guest store to one of its page-table pages (write-protected in the shadow): done here, on its
    /// memory, and the shadow goes, so the change holds at once, SFENCE.VMA or not. Only plain stores: an
    /// atomic on a page table is refused as an access fault.
    private func writePageTable(at physical: UInt32, pc: UInt32) -> UInt32 {
        guard case .physical(let code, _) = guestTranslate(pc, for: .fetch), isGuestRAM(code) else {
            return inject(cause: Trap.Cause.storeAccessFault.rawValue, value: physical, pc: pc)
        }
        ensureResident(code, count: 4)
        ensureResident(physical, count: 4)
        let instruction = memory.word(at: code)
        let funct3 = instruction >> 12 & 7
        guard instruction & 0x7f == 0x23, funct3 <= 2 else {
            return inject(cause: Trap.Cause.storeAccessFault.rawValue, value: physical, pc: pc)
        }
        let value = hart[register: Int(instruction >> 20 & 31)]
        let width = 1 << Int(funct3)
        let bytes = (0..<width).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
        memory.write(bytes, at: physical)
        counters.pageTableWrites += 1
        flushShadow()
        return pc &+ 4
    }

    /// Every shadow translation goes (SFENCE.VMA, a new guest `satp`, SUM or MXR changed).
    func flushShadow() {
        shadow.flush()
        hart.flushTLB()
        counters.shadowFlushes += 1
    }

    /// The tables the hardware walks for the guest's current mode.
    var hardwareTranslation: UInt32 { 1 << 31 | shadow.root(for: guest.mode) >> 12 }

    /// A bare guest's pages: everything but the user bit, which the shadow adds for the hardware.
    static let bareLeaf = Hart.pteRead | Hart.pteWrite | Hart.pteExecute | Hart.pteAccessed | Hart.pteDirty

    /// Makes guest memory the monitor is about to use resident (swapping it in); a page that had to go
    /// for it leaves the shadow.
    func ensureResident(_ address: UInt32, count: UInt32) {
        guard let pager, count > 0 else { return }
        var page = address & ~0xfff
        let end = address &+ count
        var evicted = false
        while page < end && isGuestRAM(page) {
            evicted = pager.touch(page) || evicted
            page &+= 4096
        }
        if evicted { flushShadow() }
        counters.pagesSwappedOut = pager.pagesOut
        counters.pagesSwappedIn = pager.pagesIn
    }
}
