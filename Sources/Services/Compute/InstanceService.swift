import API
import Engine
import Foundation
import GRDB
import Logging
import Store
import VPCNetwork

/// EC2 instances: rows of the control plane, machines of the engine (`Hypervisor`), a root EBS volume made
/// from the image, addresses from the zone's subnet and the daemon's public pool.
///
/// Every action follows the crash protocol: the intent (a transitional state) is committed, the machine is
/// started or stopped, and the final state is committed; `ComputeReconciler` finishes what a crash left.
/// Launches and starts return at `pending`, as in AWS: the boot runs in the background, and the instance
/// is `running` once its guest printed its readiness line.
public struct InstanceService: Sendable {
    /// What the host offers instances; RunInstances beyond it is InsufficientInstanceCapacity.
    public struct Capacity: Sendable {
        public var vcpus: Int
        public var memoryMiB: Int
        /// Instances of the classic engine (`r32` types), counted apart: a software hart costs a slice of a
        /// worker's core only while it runs, and its memory is backed only as it is touched.
        public var classicInstances: Int

        public init(vcpus: Int, memoryMiB: Int, classicInstances: Int = 5000) {
            self.vcpus = vcpus
            self.memoryMiB = memoryMiB
            self.classicInstances = classicInstances
        }

        /// Sixteen vCPUs per core and the host's memory: an idle guest costs little CPU, and its memory is
        /// allocated only as it is touched; 2,500 classic instances per core.
        public static var host: Capacity {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let memory = Int(ProcessInfo.processInfo.physicalMemory / (1 << 20))
            return Capacity(vcpus: cores * 16, memoryMiB: memory, classicInstances: cores * 2500)
        }
    }

    let database: StoreDatabase
    let catalog: RegionCatalog
    let hypervisor: any Hypervisor
    let volumes: VolumeService
    public let images: ImageCatalog
    let account: String
    let capacity: Capacity
    /// A guest gets its type's memory divided by this.
    let memoryDivisor: Int
    let bootTimeout: Duration
    let network = InstanceNetwork()
    /// The VPC data plane, or user-mode networking.
    let networking: NetworkConfiguration
    let locks = KeyedLock()
    let logger = Logger(label: "iaas.ec2")

    public init(
        database: StoreDatabase, catalog: RegionCatalog, hypervisor: any Hypervisor, volumes: VolumeService,
        images: ImageCatalog, account: String, capacity: Capacity = .host, memoryDivisor: Int = 1,
        bootTimeout: Duration = .seconds(120), networking: NetworkConfiguration = .user(reason: "the default")
    ) {
        self.networking = networking
        self.database = database
        self.catalog = catalog
        self.hypervisor = hypervisor
        self.volumes = volumes
        self.images = images
        self.account = account
        self.capacity = capacity
        self.memoryDivisor = memoryDivisor
        self.bootTimeout = bootTimeout
    }

    /// The zone's region and its index in that region (which names its subnet).
    func placement(of zone: String) -> (region: String, index: Int) {
        for region in catalog.regions {
            if let index = region.zones.firstIndex(where: { $0.zoneName == zone }) {
                return (region.regionName, index)
            }
        }
        return (catalog.regions.first?.regionName ?? "us-east-1", 0)
    }

    /// The instance's machine as the engine runs it: its type's vCPUs, memory and architecture, its kernel,
    /// the root volume's replicas, one NIC with its private address and hostname: on its tap in the
    /// region's VPC namespace, or in QEMU's user-mode networking. The classic board has no network device:
    /// its guest learns its address and hostname from its boot arguments.
    func machine(
        _ record: InstanceRecord, boot: (kernel: String, initrd: String?), root: Disk.Backing,
        attached: [VolumeRecord] = []
    ) throws(CloudError) -> MachineDescription {
        let type = try InstanceType.named(record.instanceType)
        let (region, index) = placement(of: record.zone)
        let hostname = String(InstanceNetwork.privateDnsName(record.privateIp, region: region).prefix { $0 != "." })
        let onTap = networking.mode == .vpc && !type.isClassic
        return MachineDescription(
            id: record.id, vcpus: type.vcpus, memoryMiB: type.guestMemoryMiB(divisor: memoryDivisor),
            kernel: boot.kernel, initrd: boot.initrd,
            kernelArguments: type.isClassic ? Self.classicArguments(userData: record.userData) : "",
            disks: [Disk(id: "root", backing: root)] + attached.map { disk(of: $0, for: record) },
            nics: [
                NIC(
                    mac: record.macAddress, address: record.privateIp, hostname: hostname,
                    subnet: InstanceNetwork.subnetText(zoneIndex: index),
                    forwards: record.loopbackHttpPort.map { [NIC.PortForward(hostPort: $0, guestPort: 80)] } ?? [],
                    tap: onTap ? RegionLayout.tap(instanceId: record.id) : nil)
            ],
            networkNamespace: onTap ? networking.layout(region: region).namespacePath : nil,
            architecture: type.architecture)
    }

    /// The classic os takes its programs from its boot arguments (`run=memhog,busy frames=256`): an
    /// instance's user data, its first line, printable ASCII, at most 256 characters, is appended to them.
    /// (Its hostname and address come first and win over any the user data names.)
    static func classicArguments(userData: Data?) -> String {
        guard let userData else { return "" }
        let line = userData.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        return String(decoding: line.filter { (0x20...0x7e).contains($0) }.prefix(256), as: UTF8.self)
    }

    /// The engine that runs instances of `type`: its name and how many disks its machines take.
    func engine(of type: InstanceType) -> (name: String, maxDisks: Int) {
        let driver = (hypervisor as? Engines)?.driver(for: type.architecture) ?? hypervisor
        return (driver.name, driver.maxDisks)
    }

    /// Fetches instances by id, or `InvalidInstanceID.NotFound` naming those that are not there.
    static func fetch(_ ids: [String], in db: Database) throws(CloudError) -> [InstanceRecord] {
        try ListLimits.require(ids.count, valuesOf: "InstanceIds")
        for id in ids where !ResourceID.isWellFormed(id, prefix: "i") { throw ComputeErrors.malformedInstanceID(id) }
        let records = try db.catching { try InstanceRecord.filter(keys: ids).fetchAll(db) }
        let found = Set(records.map(\.id))
        let missing = ids.filter { !found.contains($0) }
        guard missing.isEmpty else { throw ComputeErrors.instanceNotFound(missing) }
        return ids.compactMap { id in records.first { $0.id == id } }
    }

    /// AWS's wording of a user-initiated transition: "User initiated (2026-12-01 10:00:00 GMT)".
    static func userInitiated(at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return "User initiated (\(formatter.string(from: date)) GMT)"
    }
}
