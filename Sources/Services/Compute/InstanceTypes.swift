import API
import Engine

/// The instance types this cloud runs, with AWS's vCPUs and memory. A guest gets AWS's memory divided by
/// the host's `memoryDivisor` (DescribeInstanceTypes shows what it really gets).
struct InstanceType: Sendable, Equatable {
    var name: String
    var vcpus: Int
    var memoryMiB: Int
    /// NVMe instance store, GB, for the `d` types.
    var instanceStorageGB: Int?
    /// The processor, which decides the engine: the `r32` types run riscv32 AMIs on the classic VMM.
    var architecture: Architecture = .x86_64

    static let all: [InstanceType] = [
        InstanceType(name: "t3.nano", vcpus: 2, memoryMiB: 512),
        InstanceType(name: "t3.micro", vcpus: 2, memoryMiB: 1024),
        InstanceType(name: "t3.small", vcpus: 2, memoryMiB: 2048),
        InstanceType(name: "t3.medium", vcpus: 2, memoryMiB: 4096),
        InstanceType(name: "t3.large", vcpus: 2, memoryMiB: 8192),
        InstanceType(name: "m5.large", vcpus: 2, memoryMiB: 8192),
        InstanceType(name: "m5.xlarge", vcpus: 4, memoryMiB: 16384),
        InstanceType(name: "c5.large", vcpus: 2, memoryMiB: 4096),
        InstanceType(name: "c5d.large", vcpus: 2, memoryMiB: 4096, instanceStorageGB: 50),
        InstanceType(name: "m5d.large", vcpus: 2, memoryMiB: 8192, instanceStorageGB: 75),
        // The classic engine's software harts: one vCPU, memory the guest gets as it is (no divisor).
        InstanceType(name: "r32.nano", vcpus: 1, memoryMiB: 16, architecture: .riscv32),
        InstanceType(name: "r32.micro", vcpus: 1, memoryMiB: 32, architecture: .riscv32),
        InstanceType(name: "r32.small", vcpus: 1, memoryMiB: 64, architecture: .riscv32),
    ]

    init(
        name: String, vcpus: Int, memoryMiB: Int, instanceStorageGB: Int? = nil, architecture: Architecture = .x86_64
    ) {
        self.name = name
        self.vcpus = vcpus
        self.memoryMiB = memoryMiB
        self.instanceStorageGB = instanceStorageGB
        self.architecture = architecture
    }

    /// Whether the classic engine runs it.
    var isClassic: Bool { architecture == .riscv32 }

    /// The default when RunInstances names none (AWS's m1.small does not exist here).
    static let defaultName = "t3.micro"

    static func named(_ name: String) throws(CloudError) -> InstanceType {
        guard let type = all.first(where: { $0.name == name }) else {
            throw .invalidParameterValue(
                "Invalid value '\(name)' for InstanceType. Use one of: \(all.map(\.name).joined(separator: ", ")).")
        }
        return type
    }

    /// The guest's memory on this host.
    func guestMemoryMiB(divisor: Int) -> Int {
        isClassic ? memoryMiB : max(128, memoryMiB / max(1, divisor))
    }
}
