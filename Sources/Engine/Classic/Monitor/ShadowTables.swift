/// The page tables the hardware walks while a guest runs, kept by the monitor in its own memory. For a
/// guest without paging of its own they map its RAM one to one, user-accessible (the guest runs in the
/// hardware's user mode) and already Accessed and Dirty; nothing else is mapped, so a device access or a
/// stray address faults into the monitor.
enum ShadowTables {
    static let leaf: UInt32 =
        Hart.pteValid | Hart.pteRead | Hart.pteWrite | Hart.pteExecute | Hart.pteUser
        | Hart.pteAccessed | Hart.pteDirty

    /// The bytes of tables a guest of `guestBytes` needs: a root, and a second level for a last partial
    /// 4 MiB.
    static func bytes(guestBytes: UInt32) -> UInt32 {
        4096 + (guestBytes % (4 << 20) == 0 ? 0 : 4096)
    }

    /// Writes the identity tables at `address` (page-aligned, in `memory`); returns the root's address.
    static func buildIdentity(in memory: GuestMemory, at address: UInt32, guestBase: UInt32, guestBytes: UInt32)
        -> UInt32
    {
        var root = [UInt32](repeating: 0, count: 1024)
        var offset: UInt32 = 0
        while offset < guestBytes {
            let physical = guestBase + offset
            if guestBytes - offset >= 4 << 20 {
                root[Int(physical >> 22)] = (physical >> 12) << 10 | leaf
                offset += 4 << 20
            } else {
                // The last, partial superpage: 4 KiB pages, as far as the guest's RAM goes.
                let table = address + 4096
                var second = [UInt32](repeating: 0, count: 1024)
                while offset < guestBytes {
                    let page = guestBase + offset
                    second[Int(page >> 12 & 0x3ff)] = (page >> 12) << 10 | leaf
                    offset += 4096
                }
                memory.write(words(second), at: table)
                root[Int(physical >> 22)] = (table >> 12) << 10 | Hart.pteValid
            }
        }
        memory.write(words(root), at: address)
        return address
    }

    private static func words(_ values: [UInt32]) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    }
}
