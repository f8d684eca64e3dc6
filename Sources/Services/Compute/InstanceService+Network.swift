import API
import Engine
import GRDB
import Store
import VPCNetwork

extension InstanceService {
    /// Makes the region's data plane match the tables (VPC mode; nothing in user mode). The whole region is
    /// applied, so an earlier change a crash or a failure left half-done is finished too.
    func applyNetwork(region: String) async throws(CloudError) {
        guard let dataPlane = networking.dataPlane else { return }
        let service = self
        do {
            // The plan is read once the region is held: an older view of the tables never undoes a newer one.
            try await dataPlane.apply(region: region) { try await service.networkPlan(region: region) }
        } catch {
            throw CloudError(code: "InternalError", message: "The VPC data plane of \(region) failed: \(error)")
        }
    }

    /// The states in which an instance's machine may run: its tap, NAT and metadata are there only then.
    static let statesWithMachine: Set<InstanceState> = [.pending, .running, .stopping, .shuttingDown]

    /// `applyNetwork` after a change that is already committed: a failure is logged, and the data plane
    /// tries again until it succeeds.
    func applyNetworkLater(region: String) async {
        do {
            try await applyNetwork(region: region)
        } catch {
            logger.error(
                "could not apply the VPC data plane; it is tried again",
                metadata: ["iaas.region": "\(region)", "iaas.error": "\(error.message)"])
        }
    }

    /// `applyNetworkLater` for the region of a zone.
    func applyNetworkLater(zone: String) async {
        await applyNetworkLater(region: placement(of: zone).region)
    }

    /// `applyNetworkLater` for the region of an instance.
    func applyNetworkLater(instance id: String) async {
        guard networking.dataPlane != nil,
            let zone = try? await database.readOrThrow({ db in try InstanceRecord.fetchOne(db, key: id)?.zone }) ?? nil
        else { return }
        await applyNetworkLater(zone: zone)
    }

    /// Applies every region's data plane: at start-up, after the reconciler.
    public func applyNetworkEverywhere() async {
        guard networking.dataPlane != nil else { return }
        for region in catalog.regions { await applyNetworkLater(region: region.regionName) }
    }

    /// The region's data plane as the tables say: the default VPC with a subnet per zone, and a NIC per
    /// instance not terminated. A tap and NAT only while the machine may run; DHCP and DNS while the
    /// instance keeps its private address.
    func networkPlan(region: String) async throws(CloudError) -> RegionPlan {
        let zones = catalog.regions.first { $0.regionName == region }?.zones.map(\.zoneName) ?? []
        let (records, memberships, groups, rules) = try await database.readOrThrow { db in
            let records = try InstanceRecord.filter(zones.contains(InstanceRecord.Columns.zone))
                .filter(InstanceRecord.Columns.state != InstanceState.terminated.rawValue)
                .order(Column("id")).fetchAll(db)
            let groups = try SecurityGroupRecord.filter(SecurityGroupRecord.Columns.region == region)
                .order(Column("id")).fetchAll(db)
            // Only the region's: every apply reads these.
            return (
                records,
                try InstanceSecurityGroupRecord.filter(
                    records.map(\.id).contains(InstanceSecurityGroupRecord.Columns.instanceId)
                ).order(Column("instanceId"), Column("position")).fetchAll(db),
                groups,
                try SecurityGroupRuleRecord.filter(groups.map(\.id).contains(SecurityGroupRuleRecord.Columns.groupId))
                    .order(Column("rowid")).fetchAll(db)
            )
        }
        let groupsOf = Dictionary(grouping: memberships, by: \.instanceId).mapValues { $0.map(\.groupId) }
        let rulesOf = Dictionary(grouping: rules, by: \.groupId)
        let interfaces = records.map { record in
            let internalName = InstanceNetwork.privateDnsName(record.privateIp, region: region)
            let external = record.publicIp.map { InstanceNetwork.publicDnsName($0, region: region) }
            let running = Self.statesWithMachine.contains(record.state)
            // The classic board has no network device: its names resolve, but it has no tap.
            let classic = (try? InstanceType.named(record.instanceType))?.isClassic == true
            return RegionPlan.Interface(
                instanceId: record.id, mac: record.macAddress, privateAddress: record.privateIp,
                hostname: String(internalName.prefix { $0 != "." }),
                names: [internalName] + (external.map { [$0] } ?? []),
                publicAddress: running ? record.publicIp : nil, publicName: running ? external : nil,
                hasTap: running && !classic, securityGroups: groupsOf[record.id] ?? [])
        }
        let subnets = zones.indices.map { index in
            let subnet = InstanceNetwork.subnet(zoneIndex: index)
            return RegionPlan.Subnet(
                base: subnet.base.description, prefixLength: subnet.prefix,
                router: IPv4(subnet.base.value + 1).description)
        }
        let vpc = RegionPlan.VPC(
            id: InstanceNetwork.vpcId, cidr: InstanceNetwork.vpcCIDR, dnsAddress: InstanceNetwork.dnsAddress,
            subnets: subnets, interfaces: interfaces)
        let securityGroups = groups.map { group in
            let own = rulesOf[group.id] ?? []
            func plan(_ rule: SecurityGroupRuleRecord) -> RegionPlan.Rule {
                RegionPlan.Rule(
                    ipProtocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort, cidr: rule.cidrIpv4,
                    groupId: rule.referencedGroupId)
            }
            return RegionPlan.SecurityGroup(
                id: group.id, ingress: own.filter { !$0.isEgress }.map(plan), egress: own.filter(\.isEgress).map(plan))
        }
        return RegionPlan(
            layout: networking.layout(region: region), vpcs: [vpc], publicPool: network.publicPoolText,
            domain: InstanceNetwork.internalDomain(region: region), securityGroups: securityGroups,
            hostRoute: networking.hostRoute
                ? catalog.regions.firstIndex { $0.regionName == region }.flatMap(HostRoute.init(index:)) : nil)
    }
}
