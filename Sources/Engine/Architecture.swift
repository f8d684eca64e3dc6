/// The processor a guest's kernel is built for, which decides the engine that runs it: QEMU for x86-64, the
/// built-in classic VMM for 32-bit RISC-V.
public enum Architecture: String, Sendable, Codable, CaseIterable {
    case x86_64
    case riscv32
}
