/// A guest program as an ELF32 little-endian RISC-V executable: its loadable segments and entry point.
public struct ELFImage: Sendable {
    public struct Segment: Sendable {
        public var address: UInt32
        public var bytes: [UInt8]
        /// Bytes past `bytes` that are zero (bss).
        public var zeroFill: UInt32

        public init(address: UInt32, bytes: [UInt8], zeroFill: UInt32 = 0) {
            self.address = address
            self.bytes = bytes
            self.zeroFill = zeroFill
        }
    }

    public var entry: UInt32
    public var segments: [Segment]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notELF32RISCV
        case truncated

        public var description: String {
            switch self {
            case .notELF32RISCV: "not a 32-bit little-endian RISC-V ELF executable"
            case .truncated: "the ELF file ends inside a header or segment"
            }
        }
    }

    /// A program given as its segments (tests build them from instruction words).
    public init(entry: UInt32, segments: [Segment]) {
        self.entry = entry
        self.segments = segments
    }

    public init(_ file: [UInt8]) throws(Failure) {
        func integer(_ offset: Int, _ size: Int) throws(Failure) -> UInt32 {
            guard offset >= 0, offset + size <= file.count else { throw .truncated }
            var value: UInt32 = 0
            for index in (0..<size).reversed() { value = value << 8 | UInt32(file[offset + index]) }
            return value
        }
        guard file.count >= 52, file[0..<4].elementsEqual([0x7f, 0x45, 0x4c, 0x46]), file[4] == 1, file[5] == 1,
            try integer(18, 2) == 243
        else { throw .notELF32RISCV }
        entry = try integer(24, 4)
        let tableOffset = Int(try integer(28, 4))
        let entrySize = Int(try integer(42, 2))
        let count = Int(try integer(44, 2))
        segments = []
        for index in 0..<count {
            let header = tableOffset + index * entrySize
            guard try integer(header, 4) == 1 else { continue }  // PT_LOAD
            let offset = Int(try integer(header + 4, 4))
            let address = try integer(header + 12, 4)
            let fileSize = Int(try integer(header + 16, 4))
            let memorySize = try integer(header + 20, 4)
            guard offset + fileSize <= file.count, UInt32(fileSize) <= memorySize else { throw .truncated }
            segments.append(
                Segment(
                    address: address, bytes: Array(file[offset..<offset + fileSize]),
                    zeroFill: memorySize - UInt32(fileSize)))
        }
    }
}
