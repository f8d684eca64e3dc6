import API
import Foundation
import Store

/// A validated size, type and performance of a volume: what `CreateVolume` and `ModifyVolume` check
/// against the limits of the type.
struct VolumeSpec: Sendable, Hashable {
    let sizeGiB: Int
    let type: VolumeType
    let iops: Int?
    let throughput: Int?
    let multiAttachEnabled: Bool

    /// - Throws: `InvalidParameterValue`, `InvalidParameterCombination` or `MissingParameter`, as AWS.
    init(sizeGiB: Int, type: VolumeType, iops: Int?, throughput: Int?, multiAttachEnabled: Bool) throws(CloudError) {
        guard sizeGiB >= type.sizeGiB.lowerBound else {
            throw .invalidParameterValue(
                "Volume of \(sizeGiB)GiB is too small; minimum is \(type.sizeGiB.lowerBound)GiB for \(type.name)."
            )
        }
        guard sizeGiB <= type.sizeGiB.upperBound else {
            throw .invalidParameterValue(
                "Volume of \(sizeGiB)GiB is too large; maximum is \(type.sizeGiB.upperBound)GiB for \(type.name)."
            )
        }
        let resolvedIops: Int?
        if let range = type.iops {
            guard let value = iops ?? type.defaultIops else {
                throw .missingParameter("Iops (required for \(type.name))")
            }
            guard value >= range.lowerBound else {
                throw .invalidParameterValue(
                    "Volume iops of \(value) is too low; minimum is \(range.lowerBound) for \(type.name).")
            }
            guard value <= range.upperBound else {
                throw .invalidParameterValue(
                    "Volume iops of \(value) is too high; maximum is \(range.upperBound) for \(type.name).")
            }
            if let ratio = type.maxIopsPerGiB, value > ratio * sizeGiB, value > (type.defaultIops ?? 0) {
                throw .invalidParameterValue(
                    "Iops to volume size ratio of \(value / sizeGiB) is too high; maximum is \(ratio) for \(type.name)."
                )
            }
            resolvedIops = value
        } else {
            guard iops == nil else {
                throw .invalidParameterCombination("The parameter iops is not supported for \(type.name) volumes.")
            }
            resolvedIops = nil
        }
        let resolvedThroughput: Int?
        if let range = type.throughput {
            let value = throughput ?? type.defaultThroughput!
            guard range.contains(value) else {
                throw .invalidParameterValue(
                    "Throughput of \(value) MiB/s is out of range; \(type.name) allows \(range.lowerBound) to \(range.upperBound) MiB/s."
                )
            }
            if let iops = resolvedIops, value * 4 > iops, value > type.defaultThroughput! {
                throw .invalidParameterValue(
                    "Throughput of \(value) MiB/s needs at least \(value * 4) iops (0.25 MiB/s per iops); the volume has \(iops)."
                )
            }
            resolvedThroughput = value
        } else {
            guard throughput == nil else {
                throw .invalidParameterCombination(
                    "The parameter throughput is not supported for \(type.name) volumes.")
            }
            resolvedThroughput = nil
        }
        guard !multiAttachEnabled || type.supportsMultiAttach else {
            throw .invalidParameterCombination(
                "Multi-Attach is supported only for io1 and io2 volumes, not \(type.name).")
        }
        self.sizeGiB = sizeGiB
        self.type = type
        self.iops = resolvedIops
        self.throughput = resolvedThroughput
        self.multiAttachEnabled = multiAttachEnabled
    }
}

extension VolumeSpec {
    /// A new volume of this spec, `creating`.
    func record(
        zone: String, createTime: Date = Date(), clientToken: String? = nil, snapshotId: String? = nil
    ) -> VolumeRecord {
        VolumeRecord(
            id: ResourceID.make("vol"), zone: zone, sizeGiB: sizeGiB, volumeType: type.name, iops: iops,
            throughput: throughput, state: .creating, createTime: createTime, encrypted: false,
            multiAttachEnabled: multiAttachEnabled, snapshotId: snapshotId, clientToken: clientToken)
    }
}
