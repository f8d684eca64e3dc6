import API
import Foundation
import GRDB
import Store

/// What the instance metadata service tells a guest about itself.
public struct InstanceMetadata: Sendable, Equatable {
    public var instanceId: String
    public var imageId: String
    public var instanceType: String
    public var reservationId: String
    public var launchIndex: Int
    public var launchTime: Date
    public var accountId: String
    public var region: String
    public var availabilityZone: String
    public var mac: String
    public var privateIp: String
    public var privateHostname: String
    public var publicIp: String?
    public var publicHostname: String?
    public var subnetId: String
    public var vpcId: String
    public var vpcCIDR: String
    public var subnetCIDR: String
    public var securityGroups: [String]
    public var userData: Data?

    public init(
        instanceId: String, imageId: String, instanceType: String, reservationId: String, launchIndex: Int,
        launchTime: Date, accountId: String, region: String, availabilityZone: String, mac: String, privateIp: String,
        privateHostname: String, publicIp: String?, publicHostname: String?, subnetId: String, vpcId: String,
        vpcCIDR: String, subnetCIDR: String, securityGroups: [String], userData: Data?
    ) {
        self.instanceId = instanceId
        self.imageId = imageId
        self.instanceType = instanceType
        self.reservationId = reservationId
        self.launchIndex = launchIndex
        self.launchTime = launchTime
        self.accountId = accountId
        self.region = region
        self.availabilityZone = availabilityZone
        self.mac = mac
        self.privateIp = privateIp
        self.privateHostname = privateHostname
        self.publicIp = publicIp
        self.publicHostname = publicHostname
        self.subnetId = subnetId
        self.vpcId = vpcId
        self.vpcCIDR = vpcCIDR
        self.subnetCIDR = subnetCIDR
        self.securityGroups = securityGroups
        self.userData = userData
    }
}

extension InstanceService {
    /// The instance whose guest asked from `privateAddress` in `region`'s VPC namespace, if one runs there:
    /// the metadata service knows its caller by the connection's source, as AWS's does.
    public func metadata(privateAddress: String, region: String) async -> InstanceMetadata? {
        let zones = catalog.regions.first { $0.regionName == region }?.zones.map(\.zoneName) ?? []
        let live = Self.statesWithMachine.map(\.rawValue)
        let found = try? await database.readOrThrow { db -> (InstanceRecord, [String])? in
            guard
                let record = try InstanceRecord.filter(zones.contains(InstanceRecord.Columns.zone))
                    .filter(live.contains(InstanceRecord.Columns.state))
                    .filter(Column("privateIp") == privateAddress).fetchOne(db)
            else { return nil }
            let groups = try String.fetchAll(
                db,
                sql: """
                    SELECT g.name FROM instanceSecurityGroup m JOIN securityGroup g ON g.id = m.groupId
                    WHERE m.instanceId = ? ORDER BY m.position
                    """, arguments: [record.id])
            return (record, groups)
        }
        guard let (record, groups) = found ?? nil else { return nil }
        let index = placement(of: record.zone).index
        return InstanceMetadata(
            instanceId: record.id, imageId: record.imageId, instanceType: record.instanceType,
            reservationId: record.reservationId, launchIndex: record.launchIndex, launchTime: record.launchTime,
            accountId: account, region: region, availabilityZone: record.zone, mac: record.macAddress,
            privateIp: record.privateIp,
            privateHostname: InstanceNetwork.privateDnsName(record.privateIp, region: region),
            publicIp: record.publicIp,
            publicHostname: record.publicIp.map { InstanceNetwork.publicDnsName($0, region: region) },
            subnetId: InstanceNetwork.subnetId(zoneIndex: index), vpcId: InstanceNetwork.vpcId,
            vpcCIDR: InstanceNetwork.vpcCIDR, subnetCIDR: InstanceNetwork.subnetText(zoneIndex: index),
            securityGroups: groups, userData: record.userData)
    }
}
