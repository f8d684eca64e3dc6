/// A virtio-mmio transport with no device behind it, as QEMU's `virt` board shows its unused slots: the
/// magic value and version, device id 0, so a driver scanning the slots passes over it.
public final class VirtioEmptySlot: MMIODevice {
    public init() {}

    public func read(offset: UInt32, width: Int) -> UInt32? {
        guard width == 4 else { return 0 }
        switch offset {
        case 0x000: return VirtioBlock.magic
        case 0x004: return 1
        case 0x00c: return 0x554d_4551
        default: return 0
        }
    }

    public func write(offset: UInt32, width: Int, value: UInt32) -> Bool { true }
}
