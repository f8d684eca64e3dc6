import Foundation
import GRDB

/// EC2's instance states, with their codes.
public enum InstanceState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case pending
    case running
    case shuttingDown = "shutting-down"
    case terminated
    case stopping
    case stopped

    /// AWS's code: the low byte of `InstanceState.Code`.
    public var code: Int {
        switch self {
        case .pending: 0
        case .running: 16
        case .shuttingDown: 32
        case .terminated: 48
        case .stopping: 64
        case .stopped: 80
        }
    }
}

/// A row of the `instance` table: an EC2 instance, its addresses and its state.
public struct InstanceRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "instance"

    public var id: String
    public var reservationId: String
    public var imageId: String
    public var instanceType: String
    public var zone: String
    public var state: InstanceState
    /// Kept from launch to termination.
    public var privateIp: String
    public var macAddress: String
    /// Assigned at each start, released at stop.
    public var publicIp: String?
    /// The address released at the last stop: the next start gets another one, as in AWS.
    public var lastPublicIp: String?
    /// While it runs: the port on the host's 127.0.0.1 forwarded to the guest's port 80 (user-mode
    /// networking, until the VPC data plane routes its public address).
    public var loopbackHttpPort: Int?
    public var launchTime: Date
    public var launchIndex: Int
    /// Empty for an instance launched from an instance-store-backed AMI: its root is no volume.
    public var rootVolumeId: String
    public var userData: Data?
    public var clientToken: String?
    /// AWS's `StateTransitionReason`, e.g. "User initiated (2026-12-01 10:00:00 GMT)".
    public var stateTransitionReason: String?
    /// AWS's `StateReason`: why the instance last stopped or ended.
    public var stateReasonCode: String?
    public var stateReasonMessage: String?
    /// When the instance became terminated: it stays listed for an hour, as in AWS.
    public var terminatedAt: Date?
    /// The kernel and initrd it boots, copied from a registered image at launch (nil: the image's, for the
    /// built-in AMI, whose files move when it is rebuilt).
    public var kernelPath: String?
    public var initrdPath: String?

    public init(
        id: String, reservationId: String, imageId: String, instanceType: String, zone: String, state: InstanceState,
        privateIp: String, macAddress: String, publicIp: String?, launchTime: Date, launchIndex: Int,
        rootVolumeId: String, userData: Data?, clientToken: String?
    ) {
        self.id = id
        self.reservationId = reservationId
        self.imageId = imageId
        self.instanceType = instanceType
        self.zone = zone
        self.state = state
        self.privateIp = privateIp
        self.macAddress = macAddress
        self.publicIp = publicIp
        self.launchTime = launchTime
        self.launchIndex = launchIndex
        self.rootVolumeId = rootVolumeId
        self.userData = userData
        self.clientToken = clientToken
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let state = Column(CodingKeys.state)
        public static let zone = Column(CodingKeys.zone)
        public static let privateIp = Column(CodingKeys.privateIp)
        public static let publicIp = Column(CodingKeys.publicIp)
        public static let clientToken = Column(CodingKeys.clientToken)
    }
}

extension InstanceRecord {
    /// Its root is an instance store (an instance-store-backed AMI's), not an EBS volume.
    public var hasInstanceStoreRoot: Bool { rootVolumeId.isEmpty }
}
