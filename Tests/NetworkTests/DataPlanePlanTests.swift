import Foundation
import Testing

@testable import Network

/// What an apply would do, worked out from a plan and the links that exist: no namespace needed.
@Suite("Data plane plans")
struct DataPlanePlanTests {
    private let layout = RegionLayout(prefix: "iaas", region: "us-east-1")

    private func interface(_ id: String, _ address: String, public: String? = nil, tap: Bool = true)
        -> RegionPlan.Interface
    {
        RegionPlan.Interface(
            instanceId: id, mac: "02:00:00:00:00:0\(address.suffix(1))", privateAddress: address,
            hostname: "ip-" + address.replacingOccurrences(of: ".", with: "-"), names: ["n-\(id)"],
            publicAddress: `public`, publicName: `public`.map { "ec2-\($0)" }, hasTap: tap)
    }

    private func plan(_ interfaces: [RegionPlan.Interface]) -> RegionPlan {
        RegionPlan(
            layout: layout,
            vpcs: [
                RegionPlan.VPC(
                    id: "vpc-00000000000000001", cidr: "172.31.0.0/16", dnsAddress: "172.31.0.2",
                    subnets: [RegionPlan.Subnet(base: "172.31.0.0", prefixLength: 20, router: "172.31.0.1")],
                    interfaces: interfaces)
            ], publicPool: "198.18.0.0/24", domain: "ec2.internal")
    }

    @Test func namesFitLinuxsInterfaceNames() {
        #expect(RegionLayout.tap(instanceId: "i-0123456789abcdef0") == "tap56789abcdef0")
        #expect(RegionLayout.tap(instanceId: "i-0123456789abcdef0").utf8.count <= 15)
        #expect(RegionLayout.bridge(vpcId: "vpc-00000000000000001") == "vpc-00000001")
        #expect(layout.namespace == "iaas-us-east-1" && layout.outsideNamespace == "iaas-us-east-1-outside")
    }

    @Test func anEmptyNamespaceGetsItsBridgeAndTaps() {
        let (commands, created, removed) = DataPlane.linkCommands(
            plan([
                interface("i-00000000000000001", "172.31.0.4"),
                interface("i-00000000000000002", "172.31.0.5", tap: false),
            ]),
            inventory: LinkInventory(links: []))
        #expect(commands.first == "link add vpc-00000001 type bridge")
        #expect(commands.contains("address replace 172.31.0.1/20 dev vpc-00000001"))
        #expect(commands.contains("address replace 172.31.0.2/32 dev vpc-00000001"))
        #expect(created == ["tap000000000001"], "a stopped instance gets no tap")
        #expect(commands.contains("tuntap add dev tap000000000001 mode tap"))
        #expect(commands.contains("link set tap000000000001 master vpc-00000001 up"))
        #expect(removed.isEmpty)
    }

    @Test func whatIsInPlaceIsKeptAndLeftoversGo() {
        let inventory = LinkInventory(links: [
            .init(name: "vpc-00000001", kind: "bridge", master: nil, up: true),
            .init(name: "tap000000000001", kind: "tun", master: "vpc-00000001", up: true),
            .init(name: "tap0000000000ff", kind: "tun", master: "vpc-00000001", up: true),
            .init(name: "outside0", kind: "veth", master: nil, up: true),
        ])
        let (commands, created, removed) = DataPlane.linkCommands(
            plan([interface("i-00000000000000001", "172.31.0.4")]), inventory: inventory)
        #expect(created.isEmpty)
        #expect(removed == ["tap0000000000ff"])
        #expect(!commands.contains { $0.hasPrefix("link add") || $0.hasPrefix("tuntap") })
        #expect(!commands.contains("link set tap000000000001 master vpc-00000001 up"))
        #expect(commands.last == "link delete tap0000000000ff")
    }

    @Test func theInventoryReadsIpsJSON() {
        let json = """
            [{"ifname":"lo","flags":["LOOPBACK","UP"]},
             {"ifname":"tap000000000001","flags":["BROADCAST","UP"],"master":"vpc-00000001","linkinfo":{"info_kind":"tun"}},
             {"ifname":"vpc-00000001","flags":["BROADCAST"],"linkinfo":{"info_kind":"bridge"}}]
            """
        let inventory = LinkInventory(json: json)
        #expect(inventory.taps == ["tap000000000001"])
        #expect(inventory.links["vpc-00000001"]?.up == false)
        #expect(inventory.links["tap000000000001"]?.master == "vpc-00000001")
        #expect(LinkInventory(json: "not json").links.isEmpty)
    }

    @Test func natMapsEachPublicAddressBothWays() {
        let text = NATRuleset(mappings: [(public: "198.18.0.1", private: "172.31.0.4")]).text
        #expect(text.hasPrefix("table ip iaas\ndelete table ip iaas\n"), "the table is replaced in one transaction")
        #expect(text.contains("elements = { 198.18.0.1 : 172.31.0.4 }"))
        #expect(text.contains("elements = { 172.31.0.4 : 198.18.0.1 }"))
        #expect(text.contains("iifname \"outside0\" dnat to ip daddr map @public_to_private"))
        let empty = NATRuleset(mappings: []).text
        #expect(!empty.contains("elements"), "an empty map has no elements line (nft refuses `{ }`)")
    }

    @Test func dnsmasqServesOnlyItsVPC() {
        let server = Dnsmasq(
            directory: URL(fileURLWithPath: "/data/network/us-east-1/vpc-00000000000000001"),
            vpc: plan([interface("i-00000000000000001", "172.31.0.4")]).vpcs[0], domain: "ec2.internal")
        let configuration = server.configurationText
        for line in [
            "interface=vpc-00000001", "no-resolv", "dhcp-range=172.31.0.0,static,255.255.240.0,1h",
            "dhcp-option=option:dns-server,172.31.0.2", "local=/ec2.internal/",
        ] {
            #expect(configuration.contains(line + "\n"), "\(line)")
        }
        #expect(server.dhcpHostsText == "02:00:00:00:00:04,172.31.0.4,ip-172-31-0-4\n")
        #expect(server.hostsText == "172.31.0.4 n-i-00000000000000001\n")
        #expect(Dnsmasq.netmask(20) == "255.255.240.0" && Dnsmasq.netmask(32) == "255.255.255.255")
    }
}
