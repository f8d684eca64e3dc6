import Foundation

/// `ec2.DescribeInstanceStatus`: the status checks of running instances, or of every instance with
/// `IncludeAllInstances`. Filters: `availability-zone`, `instance-state-name`, `instance-state-code`,
/// `instance-status.status`, `instance-status.reachability`, `system-status.status`,
/// `system-status.reachability`.
public struct DescribeInstanceStatusRequest: Codable, Sendable {
    public var instanceIds: [String]?
    public var filters: [Filter]?
    public var includeAllInstances: Bool?
    public var maxResults: Int?
    public var nextToken: String?

    public init(
        instanceIds: [String]? = nil, filters: [Filter]? = nil, includeAllInstances: Bool? = nil,
        maxResults: Int? = nil, nextToken: String? = nil
    ) {
        self.instanceIds = instanceIds
        self.filters = filters
        self.includeAllInstances = includeAllInstances
        self.maxResults = maxResults
        self.nextToken = nextToken
    }
}

public struct DescribeInstanceStatusResult: Codable, Sendable {
    public var instanceStatuses: [InstanceStatus]
    public var nextToken: String?

    public init(instanceStatuses: [InstanceStatus], nextToken: String?) {
        self.instanceStatuses = instanceStatuses
        self.nextToken = nextToken
    }
}

/// One instance's state and its two status checks: `SystemStatus` (the host and the VMM running the
/// instance) and `InstanceStatus` (the guest answering).
public struct InstanceStatus: Codable, Sendable, Hashable {
    public var instanceId: String
    public var availabilityZone: String
    public var instanceState: InstanceStateValue
    public var systemStatus: InstanceStatusSummary
    public var instanceStatus: InstanceStatusSummary

    public init(
        instanceId: String, availabilityZone: String, instanceState: InstanceStateValue,
        systemStatus: InstanceStatusSummary, instanceStatus: InstanceStatusSummary
    ) {
        self.instanceId = instanceId
        self.availabilityZone = availabilityZone
        self.instanceState = instanceState
        self.systemStatus = systemStatus
        self.instanceStatus = instanceStatus
    }
}

/// `ok`, `impaired`, `initializing`, `insufficient-data` or `not-applicable`, with the `reachability` check.
public struct InstanceStatusSummary: Codable, Sendable, Hashable {
    public var status: String
    public var details: [InstanceStatusDetails]

    public init(status: String, details: [InstanceStatusDetails]) {
        self.status = status
        self.details = details
    }
}

/// A check's result: `passed`, `failed`, `initializing` or `insufficient-data`.
public struct InstanceStatusDetails: Codable, Sendable, Hashable {
    public var name: String
    public var status: String
    public var impairedSince: Date?

    public init(name: String, status: String, impairedSince: Date? = nil) {
        self.name = name
        self.status = status
        self.impairedSince = impairedSince
    }
}
