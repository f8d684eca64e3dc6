/// How QEMU runs guest code: TCG (emulation, always works) or KVM (hardware, only once proven here).
public enum Acceleration: String, Sendable, Codable {
    case tcg
    case kvm
}
