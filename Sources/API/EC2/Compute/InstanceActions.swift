import Foundation

/// `ec2.DescribeInstances`, filtered by `instance-id`, `instance-state-name`, `instance-state-code`,
/// `availability-zone`, `instance-type`, `image-id`, `private-ip-address`, `ip-address`,
/// `private-dns-name`, `tag:KEY` and `tag-key`.
public struct DescribeInstancesRequest: Codable, Sendable {
    public var instanceIds: [String]?
    public var filters: [Filter]?
    public var maxResults: Int?
    public var nextToken: String?

    public init(
        instanceIds: [String]? = nil, filters: [Filter]? = nil, maxResults: Int? = nil, nextToken: String? = nil
    ) {
        self.instanceIds = instanceIds
        self.filters = filters
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct DescribeInstancesResult: Codable, Sendable {
    public var reservations: [Reservation]
    public var nextToken: String?

    public init(reservations: [Reservation], nextToken: String?) {
        self.reservations = reservations
        self.nextToken = nextToken
    }
}

/// `ec2.StartInstances`, `ec2.RebootInstances`, `ec2.TerminateInstances`.
public struct InstanceIdsRequest: Codable, Sendable {
    public var instanceIds: [String]

    public init(instanceIds: [String]) {
        self.instanceIds = instanceIds
    }
}

/// `ec2.StopInstances`: `Force` skips the guest's own shutdown.
public struct StopInstancesRequest: Codable, Sendable {
    public var instanceIds: [String]
    public var force: Bool?

    public init(instanceIds: [String], force: Bool? = nil) {
        self.instanceIds = instanceIds
        self.force = force
    }
}

/// One instance's state change, as Start/Stop/TerminateInstances report it.
public struct InstanceStateChange: Codable, Sendable, Hashable {
    public var instanceId: String
    public var previousState: InstanceStateValue
    public var currentState: InstanceStateValue

    public init(instanceId: String, previousState: InstanceStateValue, currentState: InstanceStateValue) {
        self.instanceId = instanceId
        self.previousState = previousState
        self.currentState = currentState
    }
}

public struct StartInstancesResult: Codable, Sendable {
    public var startingInstances: [InstanceStateChange]

    public init(startingInstances: [InstanceStateChange]) {
        self.startingInstances = startingInstances
    }
}

public struct StopInstancesResult: Codable, Sendable {
    public var stoppingInstances: [InstanceStateChange]

    public init(stoppingInstances: [InstanceStateChange]) {
        self.stoppingInstances = stoppingInstances
    }
}

public struct TerminateInstancesResult: Codable, Sendable {
    public var terminatingInstances: [InstanceStateChange]

    public init(terminatingInstances: [InstanceStateChange]) {
        self.terminatingInstances = terminatingInstances
    }
}

/// `ec2.GetConsoleOutput`.
public struct GetConsoleOutputRequest: Codable, Sendable {
    public var instanceId: String
    public var latest: Bool?

    public init(instanceId: String, latest: Bool? = nil) {
        self.instanceId = instanceId
        self.latest = latest
    }
}

public struct GetConsoleOutputResult: Codable, Sendable {
    public var instanceId: String
    public var timestamp: Date
    /// Base64 of the console's last 64 KiB, as AWS returns it.
    public var output: String

    public init(instanceId: String, timestamp: Date, output: String) {
        self.instanceId = instanceId
        self.timestamp = timestamp
        self.output = output
    }
}
