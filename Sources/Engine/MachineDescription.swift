/// A virtual machine as an engine runs it: what to boot, with which devices. A value, written beside the
/// machine's other files at start so a restarted daemon knows what it re-attaches to.
public struct MachineDescription: Sendable, Codable, Equatable {
    /// The instance id: names the machine's run directory and its devices.
    public var id: String
    public var vcpus: Int
    public var memoryMiB: Int
    /// An uncompressed kernel (an ELF with a PVH entry).
    public var kernel: String
    public var initrd: String?
    /// Kernel arguments beyond those the engine adds (console, clock).
    public var kernelArguments: String
    /// Disks present at boot, in order: the first is the root device (`/dev/vda`).
    public var disks: [Disk]
    public var nics: [NIC]
    /// The network namespace the machine runs in (`/run/netns/<name>`), where its NICs' taps are; nil for
    /// the daemon's own (user-mode networking needs no other).
    public var networkNamespace: String?
    /// What the kernel is built for, which decides the engine; nil for x86-64 (descriptions written before
    /// there was a choice).
    public var architecture: Architecture?

    /// The architecture, x86-64 when not given.
    public var processor: Architecture { architecture ?? .x86_64 }

    public init(
        id: String, vcpus: Int, memoryMiB: Int, kernel: String, initrd: String?, kernelArguments: String = "",
        disks: [Disk], nics: [NIC], networkNamespace: String? = nil, architecture: Architecture? = nil
    ) {
        self.architecture = architecture
        self.networkNamespace = networkNamespace
        self.id = id
        self.vcpus = vcpus
        self.memoryMiB = memoryMiB
        self.kernel = kernel
        self.initrd = initrd
        self.kernelArguments = kernelArguments
        self.disks = disks
        self.nics = nics
    }
}

/// A block device of a machine.
public struct Disk: Sendable, Codable, Equatable {
    /// The device's id in the machine (a volume id, or `instance-store`).
    public var id: String
    public var backing: Backing

    public enum Backing: Sendable, Codable, Equatable {
        /// An EBS volume: every write reaches both replicas before it completes; reads come from the first.
        case replicated([Replica])
        /// A local disk with no replication (instance store).
        case local(path: String)
        /// An instance-store root: it starts as the image's root disk `base` (only read) and keeps the
        /// guest's writes in `path`, made at the first write; erased when the instance stops or ends.
        case ephemeral(base: String, path: String)
    }

    public init(id: String, backing: Backing) {
        self.id = id
        self.backing = backing
    }
}

/// One replica of a volume: its segment files in order (a volume larger than one segment spans several).
public struct Replica: Sendable, Codable, Equatable {
    public var segments: [Segment]

    public struct Segment: Sendable, Codable, Equatable {
        public var path: String
        public var bytes: UInt64

        public init(path: String, bytes: UInt64) {
            self.path = path
            self.bytes = bytes
        }
    }

    public init(segments: [Segment]) {
        self.segments = segments
    }
}

/// A network interface: the guest gets `address` and `hostname` by DHCP.
public struct NIC: Sendable, Codable, Equatable {
    public var mac: String
    public var address: String
    public var hostname: String
    /// The subnet the address is in, as `a.b.c.d/n`.
    public var subnet: String
    /// Ports of the guest reachable on the host's loopback: host port → guest TCP port (user-mode only).
    public var forwards: [PortForward]
    /// The tap the NIC is plugged into (made by the data plane, in the machine's namespace, which also
    /// serves its DHCP); nil for QEMU's user-mode networking, which serves DHCP itself.
    public var tap: String?

    public struct PortForward: Sendable, Codable, Equatable {
        public var hostPort: Int
        public var guestPort: Int

        public init(hostPort: Int, guestPort: Int) {
            self.hostPort = hostPort
            self.guestPort = guestPort
        }
    }

    public init(
        mac: String, address: String, hostname: String, subnet: String, forwards: [PortForward] = [],
        tap: String? = nil
    ) {
        self.tap = tap
        self.mac = mac
        self.address = address
        self.hostname = hostname
        self.subnet = subnet
        self.forwards = forwards
    }
}
