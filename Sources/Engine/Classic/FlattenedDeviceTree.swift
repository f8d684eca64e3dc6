/// The device tree the classic engine hands its guest in a1, as QEMU's `virt` board and the SBI firmware do:
/// only what a guest of ours reads from it, the memory node (where its RAM is and how much) and
/// `/chosen/bootargs` (its kernel command line: hostname, address, what to run). The format is the
/// Devicetree Specification's flattened blob, version 17.
public struct FlattenedDeviceTree: Sendable, Equatable {
    public var memoryBase: UInt32
    public var memoryBytes: UInt32
    public var bootArguments: String

    public init(memoryBase: UInt32, memoryBytes: UInt32, bootArguments: String) {
        self.memoryBase = memoryBase
        self.memoryBytes = memoryBytes
        self.bootArguments = bootArguments
    }

    private enum Token: UInt32 {
        case beginNode = 1
        case endNode = 2
        case property = 3
        case end = 9
    }

    /// The blob, as it is copied into guest memory.
    public var blob: [UInt8] {
        var strings: [UInt8] = []
        var structure: [UInt8] = []
        func word(_ value: UInt32) { structure += withUnsafeBytes(of: value.bigEndian, Array.init) }
        func pad() { while structure.count % 4 != 0 { structure.append(0) } }
        func begin(_ name: String) {
            word(Token.beginNode.rawValue)
            structure += Array(name.utf8) + [0]
            pad()
        }
        func property(_ name: String, _ value: [UInt8]) {
            // Names are stored once in the strings block; a property refers to its name's offset there.
            let offset = strings.count
            strings += Array(name.utf8) + [0]
            word(Token.property.rawValue)
            word(UInt32(value.count))
            word(UInt32(offset))
            structure += value
            pad()
        }
        func cells(_ values: [UInt32]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bigEndian, Array.init) } }
        func text(_ value: String) -> [UInt8] { Array(value.utf8) + [0] }

        begin("")
        property("#address-cells", cells([2]))
        property("#size-cells", cells([2]))
        property("compatible", text("riscv-virtio"))
        property("model", text("iaas,classic"))
        begin("chosen")
        property("bootargs", text(bootArguments))
        word(Token.endNode.rawValue)
        begin("memory@" + String(memoryBase, radix: 16))
        property("device_type", text("memory"))
        property("reg", cells([0, memoryBase, 0, memoryBytes]))
        word(Token.endNode.rawValue)
        word(Token.endNode.rawValue)
        word(Token.end.rawValue)

        let header = 40
        let reservations = 16  // one terminating entry: no reserved memory
        let structureOffset = header + reservations
        let stringsOffset = structureOffset + structure.count
        let total = stringsOffset + strings.count
        var blob: [UInt8] = []
        for value in [
            0xd00d_feed, total, structureOffset, stringsOffset, header, 17, 16, 0, strings.count, structure.count,
        ] {
            blob += withUnsafeBytes(of: UInt32(value).bigEndian, Array.init)
        }
        blob += [UInt8](repeating: 0, count: reservations)
        return blob + structure + strings
    }
}
