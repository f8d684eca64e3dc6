import Foundation

/// `vmm.DescribeInstanceStats`, a method of our own (EC2 has none like it): what the classic VMM counted for
/// a running instance of an `r32` type.
public struct DescribeInstanceStatsRequest: Codable, Sendable {
    public var instanceId: String

    public init(instanceId: String) {
        self.instanceId = instanceId
    }
}

public struct DescribeInstanceStatsResult: Codable, Sendable, Equatable {
    public var instanceId: String
    /// The engine that runs it: `classic`.
    public var engine: String
    public var statistics: VMStatistics

    public init(instanceId: String, engine: String, statistics: VMStatistics) {
        self.instanceId = instanceId
        self.engine = engine
        self.statistics = statistics
    }
}
