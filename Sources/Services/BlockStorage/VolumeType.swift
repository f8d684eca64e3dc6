import API

/// The EBS volume types and AWS's limits for each (Amazon EBS User Guide, "Amazon EBS volume types").
struct VolumeType: Sendable, Hashable {
    let name: String
    let sizeGiB: ClosedRange<Int>
    /// Provisioned IOPS range, nil when the type takes no `Iops` parameter.
    let iops: ClosedRange<Int>?
    /// IOPS used when none is given; nil when `Iops` is required.
    let defaultIops: Int?
    /// Most IOPS per GiB of size.
    let maxIopsPerGiB: Int?
    /// Provisioned throughput range in MiB/s, nil when the type takes no `Throughput` parameter.
    let throughput: ClosedRange<Int>?
    let defaultThroughput: Int?
    let supportsMultiAttach: Bool

    static let gp2 = VolumeType(
        name: "gp2", sizeGiB: 1...16384, iops: nil, defaultIops: nil, maxIopsPerGiB: nil, throughput: nil,
        defaultThroughput: nil, supportsMultiAttach: false)
    static let gp3 = VolumeType(
        name: "gp3", sizeGiB: 1...16384, iops: 3000...16000, defaultIops: 3000, maxIopsPerGiB: 500,
        throughput: 125...1000, defaultThroughput: 125, supportsMultiAttach: false)
    static let io1 = VolumeType(
        name: "io1", sizeGiB: 4...16384, iops: 100...64000, defaultIops: nil, maxIopsPerGiB: 50, throughput: nil,
        defaultThroughput: nil, supportsMultiAttach: true)
    static let io2 = VolumeType(
        name: "io2", sizeGiB: 4...65536, iops: 100...256000, defaultIops: nil, maxIopsPerGiB: 1000, throughput: nil,
        defaultThroughput: nil, supportsMultiAttach: true)
    static let st1 = VolumeType(
        name: "st1", sizeGiB: 125...16384, iops: nil, defaultIops: nil, maxIopsPerGiB: nil, throughput: nil,
        defaultThroughput: nil, supportsMultiAttach: false)
    static let sc1 = VolumeType(
        name: "sc1", sizeGiB: 125...16384, iops: nil, defaultIops: nil, maxIopsPerGiB: nil, throughput: nil,
        defaultThroughput: nil, supportsMultiAttach: false)
    static let standard = VolumeType(
        name: "standard", sizeGiB: 1...1024, iops: nil, defaultIops: nil, maxIopsPerGiB: nil, throughput: nil,
        defaultThroughput: nil, supportsMultiAttach: false)

    static let all = [standard, io1, io2, gp2, sc1, st1, gp3]
    /// What `CreateVolume` uses without a `VolumeType`, as AWS does today.
    static let defaultType = gp3

    static func named(_ name: String) throws(CloudError) -> VolumeType {
        guard let type = all.first(where: { $0.name == name }) else {
            throw .invalidParameterValue(
                "Value (\(name)) for parameter volumeType is invalid. Valid values: \(all.map(\.name).joined(separator: " | "))."
            )
        }
        return type
    }

    /// The IOPS `DescribeVolumes` reports: gp2's baseline is 3 per GiB, between 100 and 16,000.
    func reportedIops(provisioned: Int?, sizeGiB: Int) -> Int? {
        if name == "gp2" { return min(max(3 * sizeGiB, 100), 16000) }
        return provisioned
    }
}
