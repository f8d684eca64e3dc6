import Synchronization

/// How QEMU runs guest code: TCG (emulation, always works) or KVM (hardware, only once proven here).
public enum Acceleration: String, Sendable, Codable {
    case tcg
    case kvm
}

/// How new machines run now and why, for `daemon.Status`: TCG until a KVM probe proves otherwise.
public final class AccelerationChoice: Sendable {
    private let state: Mutex<(acceleration: Acceleration, reason: String)>

    public init(_ acceleration: Acceleration, reason: String) {
        state = Mutex((acceleration, reason))
    }

    public var current: (acceleration: Acceleration, reason: String) {
        state.withLock { $0 }
    }

    public func set(_ acceleration: Acceleration, reason: String) {
        state.withLock { $0 = (acceleration, reason) }
    }
}
