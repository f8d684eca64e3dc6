import API
import Foundation
import GRDB
import Store

extension InstanceService {
    static let describeFilters: Set<String> = [
        "instance-id", "instance-state-name", "instance-state-code", "availability-zone", "instance-type",
        "image-id", "private-ip-address", "ip-address", "private-dns-name", "dns-name", "reservation-id",
        "subnet-id", "vpc-id", "tag-key",
    ]

    /// How long a terminated instance stays listed, as in AWS.
    static let terminatedVisibility: TimeInterval = 3600

    /// `ec2.DescribeInstances`: by id, filters and pages (5 to 1000), in reservations.
    public func describeInstances(_ request: DescribeInstancesRequest) async throws(CloudError)
        -> DescribeInstancesResult
    {
        let filters = try FilterSet(request.filters, supported: Self.describeFilters, allowsTags: true)
        let ids = request.instanceIds ?? []
        let page = try Page(
            maxResults: request.maxResults, nextToken: request.nextToken, range: 5...1000, withIds: !ids.isEmpty)
        let records = try await listed(ids)
        let described = zip(records.map(\.reservationId), try await describe(records))
        let matching = described.filter { reservation, instance in
            filters.matches { name in
                name == "reservation-id" ? [reservation] : Self.attribute(name, of: instance)
            }
        }
        let (items, next) = page.apply(matching.map { Described(reservationId: $0, instance: $1) }, id: \.id)
        return DescribeInstancesResult(reservations: reservations(items), nextToken: next)
    }

    /// The instances of `ids` (InvalidInstanceID.NotFound for any unknown), or every instance still listed
    /// (terminated ones for an hour), by id.
    func listed(_ ids: [String]) async throws(CloudError) -> [InstanceRecord] {
        let cutoff = Date().addingTimeInterval(-Self.terminatedVisibility)
        return try await database.readOrThrow { db throws -> [InstanceRecord] in
            if !ids.isEmpty {
                do {
                    return try Self.fetch(ids, in: db).sorted { $0.id < $1.id }
                } catch let error as CloudError {
                    throw error
                }
            }
            return try InstanceRecord.order(Column("id")).fetchAll(db)
                .filter { $0.terminatedAt.map { $0 > cutoff } ?? true }
        }
    }

    private struct Described {
        var reservationId: String
        var instance: Instance
        var id: String { instance.instanceId }
    }

    /// Groups instances into their reservations, in order.
    private func reservations(_ instances: [Described]) -> [Reservation] {
        var order: [String] = []
        var byReservation: [String: [Instance]] = [:]
        for item in instances {
            if byReservation[item.reservationId] == nil { order.append(item.reservationId) }
            byReservation[item.reservationId, default: []].append(item.instance)
        }
        return order.map { Reservation(reservationId: $0, ownerId: account, instances: byReservation[$0]!) }
    }

    /// The API's view of the given instances.
    func describe(ids: [String]) async throws(CloudError) -> [Instance] {
        let records = try await database.readOrThrow { db in try InstanceRecord.filter(keys: ids).fetchAll(db) }
        let order = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        return try await describe(records.sorted { order[$0.id, default: 0] < order[$1.id, default: 0] })
    }

    func describe(_ records: [InstanceRecord]) async throws(CloudError) -> [Instance] {
        let ids = records.map(\.id)
        let (tags, attachments, memberships) = try await database.readOrThrow { db in
            (
                try TagService.tags(of: ids.count > 500 ? nil : ids, in: db),
                try VolumeAttachmentRecord.filter(ids.contains(VolumeAttachmentRecord.Columns.instanceId)).fetchAll(db),
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT m.instanceId, g.id, g.name FROM instanceSecurityGroup m
                        JOIN securityGroup g ON g.id = m.groupId
                        \(ids.count > 500 ? "" : "WHERE m.instanceId IN (\(databaseQuestionMarks(count: ids.count)))")
                        ORDER BY m.instanceId, m.position
                        """, arguments: StatementArguments(ids.count > 500 ? [] : ids)
                ).map { row in
                    MembershipRow(
                        instanceId: row["instanceId"],
                        group: GroupIdentifier(groupId: row["id"], groupName: row["name"]))
                }
            )
        }
        let byInstance = Dictionary(grouping: attachments, by: \.instanceId)
        let groups = Dictionary(grouping: memberships, by: \.instanceId).mapValues { $0.map(\.group) }
        return records.map { record in
            var described = instance(record, tags: tags[record.id], attachments: byInstance[record.id] ?? [])
            described.securityGroups = record.state == .terminated ? [] : groups[record.id] ?? []
            return described
        }
    }

    private struct MembershipRow: Sendable {
        var instanceId: String
        var group: GroupIdentifier
    }

    private func instance(_ record: InstanceRecord, tags: [Tag]?, attachments: [VolumeAttachmentRecord]) -> Instance {
        let region = placement(of: record.zone).region
        let privateName = InstanceNetwork.privateDnsName(record.privateIp, region: region)
        let subnet = subnetId(of: record.zone)
        let reason = record.stateReasonCode.map { StateReason(code: $0, message: record.stateReasonMessage ?? $0) }
        let type = (try? InstanceType.named(record.instanceType)) ?? InstanceType.all[0]
        return Instance(
            instanceId: record.id, imageId: record.imageId, instanceType: record.instanceType,
            state: InstanceStateValue(code: record.state.code, name: record.state.rawValue),
            privateDnsName: privateName, privateIpAddress: record.privateIp,
            publicDnsName: InstanceNetwork.publicDnsName(record.publicIp, region: region),
            publicIpAddress: record.publicIp, stateTransitionReason: record.stateTransitionReason ?? "",
            stateReason: reason, launchTime: record.launchTime, amiLaunchIndex: record.launchIndex,
            placement: Placement(availabilityZone: record.zone, tenancy: "default"), subnetId: subnet,
            vpcId: InstanceNetwork.vpcId, architecture: type.architecture.rawValue,
            rootDeviceType: record.hasInstanceStoreRoot ? "instance-store" : "ebs",
            rootDeviceName: record.hasInstanceStoreRoot ? "/dev/sda1" : Self.rootDevice,
            hypervisor: engine(of: type).name,
            blockDeviceMappings: attachments.sorted { $0.device < $1.device }.map { attachment in
                InstanceBlockDeviceMapping(
                    deviceName: attachment.device,
                    ebs: EbsInstanceBlockDevice(
                        volumeId: attachment.volumeId, status: attachment.state, attachTime: attachment.attachTime,
                        deleteOnTermination: attachment.deleteOnTermination))
            },
            networkInterfaces: record.state == .terminated
                ? []
                : [
                    InstanceNetworkInterface(
                        macAddress: record.macAddress, privateIpAddress: record.privateIp,
                        privateDnsName: privateName, subnetId: subnet, vpcId: InstanceNetwork.vpcId, status: "in-use")
                ],
            clientToken: record.clientToken, tags: tags.flatMap { $0.isEmpty ? nil : $0 },
            networkMode: record.state == .terminated ? nil : networking.mode.rawValue,
            localHttpPort: record.state == .running ? record.loopbackHttpPort : nil)
    }

    private static func attribute(_ name: String, of instance: Instance) -> [String]? {
        switch name {
        case "instance-id": return [instance.instanceId]
        case "instance-state-name": return [instance.state.name]
        case "instance-state-code": return [String(instance.state.code)]
        case "availability-zone": return [instance.placement.availabilityZone ?? ""]
        case "instance-type": return [instance.instanceType]
        case "image-id": return [instance.imageId]
        case "private-ip-address": return [instance.privateIpAddress]
        case "ip-address": return instance.publicIpAddress.map { [$0] } ?? []
        case "private-dns-name": return [instance.privateDnsName]
        case "dns-name": return instance.publicDnsName.isEmpty ? [] : [instance.publicDnsName]
        case "subnet-id": return [instance.subnetId]
        case "vpc-id": return [instance.vpcId]
        default: return FilterSet.tagAttribute(name, of: (instance.tags ?? []))
        }
    }
}
