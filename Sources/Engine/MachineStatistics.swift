import API

/// What a VMM counted for one running machine (the API's shape: the worker's answer is what
/// `vmm.DescribeInstanceStats` shows).
public typealias MachineStatistics = VMStatistics
