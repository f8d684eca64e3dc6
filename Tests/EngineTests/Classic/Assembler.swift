/// Encodes the RV32 instructions the hart tests use, by the ISA manual's formats, so that a test's program
/// reads as assembly.
enum RV {
    static func r(_ funct7: UInt32, _ rs2: Int, _ rs1: Int, _ funct3: UInt32, _ rd: Int, _ opcode: UInt32) -> UInt32 {
        funct7 << 25 | UInt32(rs2) << 20 | UInt32(rs1) << 15 | funct3 << 12 | UInt32(rd) << 7 | opcode
    }

    static func i(_ immediate: Int32, _ rs1: Int, _ funct3: UInt32, _ rd: Int, _ opcode: UInt32) -> UInt32 {
        UInt32(bitPattern: immediate) << 20 | UInt32(rs1) << 15 | funct3 << 12 | UInt32(rd) << 7 | opcode
    }

    static func s(_ immediate: Int32, _ rs2: Int, _ rs1: Int, _ funct3: UInt32) -> UInt32 {
        let value = UInt32(bitPattern: immediate)
        return (value >> 5 & 0x7f) << 25 | UInt32(rs2) << 20 | UInt32(rs1) << 15 | funct3 << 12
            | (value & 0x1f) << 7 | 0x23
    }

    static func b(_ offset: Int32, _ rs2: Int, _ rs1: Int, _ funct3: UInt32) -> UInt32 {
        let value = UInt32(bitPattern: offset)
        return (value >> 12 & 1) << 31 | (value >> 5 & 0x3f) << 25 | UInt32(rs2) << 20 | UInt32(rs1) << 15
            | funct3 << 12 | (value >> 1 & 0xf) << 8 | (value >> 11 & 1) << 7 | 0x63
    }

    static func lui(_ rd: Int, _ upper: UInt32) -> UInt32 { upper << 12 | UInt32(rd) << 7 | 0x37 }
    static func auipc(_ rd: Int, _ upper: UInt32) -> UInt32 { upper << 12 | UInt32(rd) << 7 | 0x17 }
    static func jal(_ rd: Int, _ offset: Int32) -> UInt32 {
        let value = UInt32(bitPattern: offset)
        return (value >> 20 & 1) << 31 | (value >> 1 & 0x3ff) << 21 | (value >> 11 & 1) << 20
            | (value >> 12 & 0xff) << 12 | UInt32(rd) << 7 | 0x6f
    }
    static func jalr(_ rd: Int, _ rs1: Int, _ offset: Int32) -> UInt32 { i(offset, rs1, 0, rd, 0x67) }

    static func addi(_ rd: Int, _ rs1: Int, _ immediate: Int32) -> UInt32 { i(immediate, rs1, 0, rd, 0x13) }
    static func slti(_ rd: Int, _ rs1: Int, _ immediate: Int32) -> UInt32 { i(immediate, rs1, 2, rd, 0x13) }
    static func sltiu(_ rd: Int, _ rs1: Int, _ immediate: Int32) -> UInt32 { i(immediate, rs1, 3, rd, 0x13) }
    static func srai(_ rd: Int, _ rs1: Int, _ shift: Int32) -> UInt32 { i(0x400 | shift, rs1, 5, rd, 0x13) }
    static func srli(_ rd: Int, _ rs1: Int, _ shift: Int32) -> UInt32 { i(shift, rs1, 5, rd, 0x13) }
    static func add(_ rd: Int, _ rs1: Int, _ rs2: Int) -> UInt32 { r(0, rs2, rs1, 0, rd, 0x33) }
    static func sub(_ rd: Int, _ rs1: Int, _ rs2: Int) -> UInt32 { r(0x20, rs2, rs1, 0, rd, 0x33) }
    static func slt(_ rd: Int, _ rs1: Int, _ rs2: Int) -> UInt32 { r(0, rs2, rs1, 2, rd, 0x33) }
    static func sltu(_ rd: Int, _ rs1: Int, _ rs2: Int) -> UInt32 { r(0, rs2, rs1, 3, rd, 0x33) }
    static func sra(_ rd: Int, _ rs1: Int, _ rs2: Int) -> UInt32 { r(0x20, rs2, rs1, 5, rd, 0x33) }
    static func muldiv(_ funct3: UInt32, _ rd: Int, _ rs1: Int, _ rs2: Int) -> UInt32 {
        r(1, rs2, rs1, funct3, rd, 0x33)
    }

    static func lb(_ rd: Int, _ rs1: Int, _ offset: Int32) -> UInt32 { i(offset, rs1, 0, rd, 0x03) }
    static func lh(_ rd: Int, _ rs1: Int, _ offset: Int32) -> UInt32 { i(offset, rs1, 1, rd, 0x03) }
    static func lw(_ rd: Int, _ rs1: Int, _ offset: Int32) -> UInt32 { i(offset, rs1, 2, rd, 0x03) }
    static func lbu(_ rd: Int, _ rs1: Int, _ offset: Int32) -> UInt32 { i(offset, rs1, 4, rd, 0x03) }
    static func lhu(_ rd: Int, _ rs1: Int, _ offset: Int32) -> UInt32 { i(offset, rs1, 5, rd, 0x03) }
    static func sb(_ rs2: Int, _ rs1: Int, _ offset: Int32) -> UInt32 { s(offset, rs2, rs1, 0) }
    static func sw(_ rs2: Int, _ rs1: Int, _ offset: Int32) -> UInt32 { s(offset, rs2, rs1, 2) }

    static func amo(_ funct5: UInt32, _ rd: Int, _ rs1: Int, _ rs2: Int) -> UInt32 {
        r(funct5 << 2, rs2, rs1, 2, rd, 0x2f)
    }
    static func lrw(_ rd: Int, _ rs1: Int) -> UInt32 { amo(2, rd, rs1, 0) }
    static func scw(_ rd: Int, _ rs1: Int, _ rs2: Int) -> UInt32 { amo(3, rd, rs1, rs2) }

    static func csrrw(_ rd: Int, _ csr: UInt16, _ rs1: Int) -> UInt32 { i(Int32(csr), rs1, 1, rd, 0x73) }
    static func csrrs(_ rd: Int, _ csr: UInt16, _ rs1: Int) -> UInt32 { i(Int32(csr), rs1, 2, rd, 0x73) }
    static func csrrc(_ rd: Int, _ csr: UInt16, _ rs1: Int) -> UInt32 { i(Int32(csr), rs1, 3, rd, 0x73) }
    static func csrrwi(_ rd: Int, _ csr: UInt16, _ value: Int) -> UInt32 { i(Int32(csr), value, 5, rd, 0x73) }

    static let ecall: UInt32 = 0x0000_0073
    static let ebreak: UInt32 = 0x0010_0073
    static let mret: UInt32 = 0x3020_0073
    static let sret: UInt32 = 0x1020_0073
    static let wfi: UInt32 = 0x1050_0073
}
