import API
import Foundation
import GRDB
import Store

extension InstanceService {
    /// The most user data RunInstances takes, decoded, as in AWS.
    static let maxUserData = 16 << 10

    /// `ec2.RunInstances`: (1) intent: the instances `pending`, each with its private address, its root
    /// volume (`creating`, attached as `/dev/xvda`) and the volumes of its other block device mappings, in
    /// one transaction; then each boots in the background
    /// (`boot`). Answers at `pending`, as AWS does.
    public func runInstances(_ request: RunInstancesRequest) async throws(CloudError) -> Reservation {
        let type = try InstanceType.named(request.instanceType ?? InstanceType.defaultName)
        guard request.minCount >= 1, request.maxCount >= request.minCount else {
            throw .invalidParameterValue(
                "MinCount (\(request.minCount)) must be at least 1 and MaxCount (\(request.maxCount)) at least MinCount."
            )
        }
        let zone = try chooseZone(request)
        let userData = try Self.decodeUserData(request.userData)
        let (instanceTags, volumeTags) = try Self.launchTags(request.tagSpecifications)
        if let token = request.clientToken, token.isEmpty || token.count > 64 || !token.allSatisfy(\.isASCII) {
            throw .invalidParameterValue("ClientToken must be 1 to 64 ASCII characters.")
        }
        let devices = try LaunchBlockDevices(
            request.blockDeviceMappings, zone: zone, catalog: catalog,
            slots: engine(of: type).maxDisks - 1 - (type.instanceStorageGB == nil ? 0 : 1))
        let zoneIndex = placement(of: zone).index
        let capacity = self.capacity
        let divisor = memoryDivisor
        let now = Date()
        let reservationId = ResourceID.make("r")
        let (launched, fresh) = try await database.writeOrThrow { db throws(CloudError) -> ([InstanceRecord], Bool) in
            if let token = request.clientToken {
                let earlier = try db.catching {
                    try InstanceRecord.filter(InstanceRecord.Columns.clientToken == token).order(Column("launchIndex"))
                        .fetchAll(db)
                }
                if !earlier.isEmpty { return (earlier, false) }
            }
            let image = try ImageCatalog.image(request.imageId, region: catalog.region(ofZone: zone), in: db)
            guard image.architecture == type.architecture.rawValue else {
                throw .invalidParameterValue(
                    "The architecture '\(type.architecture.rawValue)' of the specified instance type does not match the architecture '\(image.architecture)' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI."
                )
            }
            let groups = try SecurityGroupLookup.launchGroups(
                ids: request.securityGroupIds, names: request.securityGroups, region: placement(of: zone).region,
                in: db)
            var rootDevice = try devices.rootDevice(imageSizeGiB: image.rootSizeGiB)
            rootDevice.snapshotId = image.rootSnapshotId
            let extras = try devices.extras.map { device throws(CloudError) in
                try device.resolved(zone: zone, catalog: catalog, in: db)
            }
            let live = try db.catching {
                try InstanceRecord.filter(
                    [InstanceState.pending, .running, .stopping].map(\.rawValue).contains(
                        InstanceRecord.Columns.state)
                ).fetchAll(db)
            }
            let fits = Self.instancesThatFit(type, live: live, capacity: capacity, divisor: divisor)
            guard fits >= request.minCount else {
                throw ComputeErrors.insufficientCapacity(
                    "\(request.minCount) × \(type.name) do not fit: \(fits) more fit on this host")
            }
            var taken = Set(
                try db.catching {
                    try String.fetchAll(
                        db, sql: "SELECT privateIp FROM instance WHERE zone = ? AND state != 'terminated'",
                        arguments: [zone])
                })
            var records: [InstanceRecord] = []
            for index in 0..<min(fits, request.maxCount) {
                guard let address = InstanceNetwork.freePrivateAddress(zoneIndex: zoneIndex, taken: taken) else {
                    if records.count >= request.minCount { break }
                    throw ComputeErrors.insufficientCapacity("the subnet of \(zone) has no free address")
                }
                taken.insert(address)
                let id = ResourceID.make("i")
                // An instance-store-backed AMI's instances have no root volume: their root is their store.
                let volume =
                    image.rootDeviceType == "instance-store"
                    ? nil : rootDevice.spec.record(zone: zone, createTime: now, snapshotId: rootDevice.snapshotId)
                var instance = InstanceRecord(
                    id: id, reservationId: reservationId, imageId: image.id, instanceType: type.name, zone: zone,
                    state: .pending, privateIp: address, macAddress: InstanceNetwork.macAddress(instanceId: id),
                    publicIp: nil, launchTime: now, launchIndex: index, rootVolumeId: volume?.id ?? "",
                    userData: userData,
                    clientToken: request.clientToken)
                if !image.builtIn {
                    instance.kernelPath = image.kernelPath
                    instance.initrdPath = image.initrdPath
                }
                try db.catching { try instance.insert(db) }
                try SecurityGroupLookup.setMembership(of: id, to: groups, in: db)
                // The volumes are `creating`, their attachments `attaching`: the boot makes their files.
                for (device, volume) in (volume.map { [(rootDevice, $0)] } ?? [])
                    + extras.map({ ($0, $0.spec.record(zone: zone, createTime: now, snapshotId: $0.snapshotId)) })
                {
                    try db.catching {
                        try volume.insert(db)
                        try VolumeAttachmentRecord(
                            volumeId: volume.id, instanceId: id, device: device.name, state: "attaching",
                            attachTime: now, deleteOnTermination: device.deleteOnTermination
                        ).insert(db)
                    }
                    try TagService.upsert(volumeTags, on: volume.id, type: "volume", in: db)
                }
                try TagService.upsert(instanceTags, on: id, type: "instance", in: db)
                records.append(instance)
            }
            return (records, true)
        }
        guard fresh else {
            return Reservation(
                reservationId: launched[0].reservationId, ownerId: account,
                instances: try await describe(ids: launched.map(\.id)))
        }
        volumes.count.adjust(
            by: launched.count * ((launched.first?.hasInstanceStoreRoot == true ? 0 : 1) + devices.extras.count))
        await CrashPoint.reach("instance.run.after-intent")
        for instance in launched {
            logger.info(
                "instance launching",
                metadata: [
                    "iaas.instance.id": "\(instance.id)", "iaas.zone": "\(zone)",
                    "iaas.image.id": "\(instance.imageId)",
                    "iaas.instance.type": "\(instance.instanceType)", "iaas.private-ip": "\(instance.privateIp)",
                ])
            bootInBackground(instance.id)
        }
        return Reservation(
            reservationId: reservationId, ownerId: account, instances: try await describe(ids: launched.map(\.id)))
    }

    /// How many more instances of `type` the host takes: its vCPUs and memory for QEMU's, a count for the
    /// classic engine's.
    private static func instancesThatFit(
        _ type: InstanceType, live: [InstanceRecord], capacity: Capacity, divisor: Int
    ) -> Int {
        let types = live.compactMap { try? InstanceType.named($0.instanceType) }
        if type.isClassic { return capacity.classicInstances - types.filter(\.isClassic).count }
        let hosted = types.filter { !$0.isClassic }
        let vcpus = hosted.reduce(0) { $0 + $1.vcpus }
        let memory = hosted.reduce(0) { $0 + $1.guestMemoryMiB(divisor: divisor) }
        return min(
            (capacity.vcpus - vcpus) / type.vcpus, (capacity.memoryMiB - memory) / type.guestMemoryMiB(divisor: divisor)
        )
    }

    /// The zone of `Placement.AvailabilityZone`, or of `SubnetId`, or the default region's first.
    private func chooseZone(_ request: RunInstancesRequest) throws(CloudError) -> String {
        if let zone = request.placement?.availabilityZone {
            guard catalog.zone(named: zone) != nil else {
                // RunInstances words it so, unlike CreateVolume's InvalidZone.NotFound.
                throw .invalidParameterValue(
                    "Invalid availability zone: [\(zone)]. Zones: \(catalog.zones.map(\.zone.zoneName).joined(separator: ", "))."
                )
            }
            if let subnet = request.subnetId, subnet != subnetId(of: zone) {
                throw .invalidParameterCombination(
                    "Subnet \(subnet) is not in \(zone) (its subnet is \(subnetId(of: zone))).")
            }
            return zone
        }
        if let subnet = request.subnetId {
            guard let zone = catalog.zones.map(\.zone.zoneName).first(where: { subnetId(of: $0) == subnet }) else {
                throw CloudError(code: "InvalidSubnetID.NotFound", message: "The subnet ID '\(subnet)' does not exist")
            }
            return zone
        }
        guard let zone = catalog.regions.first?.zones.first?.zoneName else {
            throw .invalidParameterValue("This cloud has no availability zone.")
        }
        return zone
    }

    func subnetId(of zone: String) -> String {
        let (_, index) = placement(of: zone)
        let region = catalog.regions.firstIndex { $0.zones.contains { $0.zoneName == zone } } ?? 0
        return InstanceNetwork.subnetId(zoneIndex: region * 16 + index)
    }

    static func decodeUserData(_ text: String?) throws(CloudError) -> Data? {
        guard let text else { return nil }
        guard let data = Data(base64Encoded: text) else {
            throw .invalidParameterValue("Invalid BASE64 encoding of user data.")
        }
        guard data.count <= maxUserData else {
            throw .invalidParameterValue("User data is limited to \(maxUserData) bytes (got \(data.count)).")
        }
        return data
    }

    /// The tags of `TagSpecifications` for the instances and for their volumes.
    static func launchTags(_ specifications: [TagSpecification]?) throws(CloudError) -> (
        instance: [Tag], volume: [Tag]
    ) {
        try TagRules.tags(of: specifications, for: "instance", and: "volume")
    }
}
