/// `ec2.DescribeVolumeStatus`: `ok` when both replicas of a volume are whole, `impaired` while one is
/// missing or short (the daemon repairs it from the other). It selects volumes as `DescribeVolumes` does.
public typealias DescribeVolumeStatusRequest = DescribeVolumesRequest

public struct VolumeStatusItem: Codable, Sendable, Hashable {
    public var volumeId: String
    public var availabilityZone: String
    public var volumeStatus: VolumeStatusInfo
    public var events: [VolumeStatusEvent]
    public var actions: [VolumeStatusAction]

    public init(
        volumeId: String, availabilityZone: String, volumeStatus: VolumeStatusInfo, events: [VolumeStatusEvent],
        actions: [VolumeStatusAction]
    ) {
        self.volumeId = volumeId
        self.availabilityZone = availabilityZone
        self.volumeStatus = volumeStatus
        self.events = events
        self.actions = actions
    }
}

public struct VolumeStatusInfo: Codable, Sendable, Hashable {
    /// `ok`, `impaired` or `insufficient-data`.
    public var status: String
    public var details: [VolumeStatusDetail]

    public init(status: String, details: [VolumeStatusDetail]) {
        self.status = status
        self.details = details
    }
}

public struct VolumeStatusDetail: Codable, Sendable, Hashable {
    /// `io-enabled`, `io-performance`, or `replica-0`/`replica-1` for the health of each replica.
    public var name: String
    /// `passed`, `failed`, `normal`, `degraded`, ...
    public var status: String

    public init(name: String, status: String) {
        self.name = name
        self.status = status
    }
}

public struct VolumeStatusEvent: Codable, Sendable, Hashable {
    public var eventType: String
    public var description: String

    public init(eventType: String, description: String) {
        self.eventType = eventType
        self.description = description
    }
}

public struct VolumeStatusAction: Codable, Sendable, Hashable {
    public var code: String
    public var description: String

    public init(code: String, description: String) {
        self.code = code
        self.description = description
    }
}

public struct DescribeVolumeStatusResult: Codable, Sendable {
    public var volumeStatuses: [VolumeStatusItem]
    public var nextToken: String?

    public init(volumeStatuses: [VolumeStatusItem], nextToken: String?) {
        self.volumeStatuses = volumeStatuses
        self.nextToken = nextToken
    }
}
