extension ClassicMonitor {
    /// A guest load or store (`instruction`) that faulted at `address`, guest physical `physical`: on a
    /// device the monitor emulates (the UART, the test device), done on its model, as an I/O exit;
    /// anywhere else, an access fault for the guest. Returns where the guest resumes.
    func accessDevice(at physical: UInt32, virtual address: UInt32, pc: UInt32, store: Bool, instruction: UInt32)
        -> UInt32
    {
        let fault = store ? Trap.Cause.storeAccessFault : Trap.Cause.loadAccessFault
        guard let (device, offset) = device(at: physical) else {
            return inject(cause: fault.rawValue, value: address, pc: pc)
        }
        let funct3 = instruction >> 12 & 7
        let width = 1 << Int(funct3 & 3)
        switch instruction & 0x7f {
        case 0x03 where funct3 != 3 && funct3 < 6:
            guard let raw = device.read(offset: offset, width: width) else {
                return inject(cause: fault.rawValue, value: address, pc: pc)
            }
            let value: UInt32 =
                switch funct3 {
                case 0: UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: raw)))
                case 1: UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: raw)))
                default: raw
                }
            hart[register: Int(instruction >> 7 & 31)] = value
        case 0x23 where funct3 <= 2:
            guard device.write(offset: offset, width: width, value: hart[register: Int(instruction >> 20 & 31)]) else {
                return inject(cause: fault.rawValue, value: address, pc: pc)
            }
        default:
            // An atomic or other access to a device: refused, as a real bus would.
            return inject(cause: fault.rawValue, value: address, pc: pc)
        }
        counters.deviceAccesses += 1
        updateExternalInterrupts()
        return pc &+ 4
    }

    /// The devices' lines into the PLIC, and the PLIC's supervisor context into the guest's SEIP.
    func updateExternalInterrupts() {
        if let disk { plic.setLine(Self.diskSource, high: disk.interruptStatus != 0) }
        let external: UInt32 = 1 << 9
        guest.interruptPending =
            plic.interrupting(context: 1)
            ? guest.interruptPending | external : guest.interruptPending & ~external
    }

    private func device(at address: UInt32) -> (any MMIODevice, UInt32)? {
        if address &- 0x1000_0000 < 0x100 { return (uart, address &- 0x1000_0000) }
        if address &- 0x0010_0000 < 0x1000 { return (testDevice, address &- 0x0010_0000) }
        if address &- 0x0c00_0000 < 0x40_0000 { return (plic, address &- 0x0c00_0000) }
        if address &- 0x1000_1000 < 0x8000 {
            let offset = (address &- 0x1000_1000) & 0xfff
            if let disk, address >> 12 == 0x10008 { return (disk, offset) }
            return (emptySlot, offset)
        }
        return nil
    }
}
