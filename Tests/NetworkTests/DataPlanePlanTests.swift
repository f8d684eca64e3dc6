import Foundation
import Testing

@testable import VPCNetwork

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
        let text = VPCRuleset(mappings: [.init(publicAddress: "198.18.0.1", privateAddress: "172.31.0.4")]).text
        #expect(text.hasPrefix("table ip iaas\ndelete table ip iaas\n"), "the table is replaced in one transaction")
        #expect(text.contains("elements = { 198.18.0.1 : 172.31.0.4 }"))
        #expect(text.contains("elements = { 172.31.0.4 : 198.18.0.1 }"))
        #expect(text.contains("        dnat to ip daddr map @public_to_private"))
        #expect(text.contains("ct status dnat snat to ip saddr map @private_to_public"), "hairpin")
        let empty = VPCRuleset(mappings: []).text
        #expect(!empty.contains("elements"), "an empty map has no elements line (nft refuses `{ }`)")
    }

    private let groups = [
        RegionPlan.SecurityGroup(
            id: "sg-00000000000000001",
            ingress: [.init(ipProtocol: "-1", fromPort: nil, toPort: nil, cidr: nil, groupId: "sg-00000000000000001")],
            egress: [.init(ipProtocol: "-1", fromPort: nil, toPort: nil, cidr: "0.0.0.0/0", groupId: nil)]),
        RegionPlan.SecurityGroup(
            id: "sg-00000000000000002",
            ingress: [
                .init(ipProtocol: "tcp", fromPort: 80, toPort: 80, cidr: "0.0.0.0/0", groupId: nil),
                .init(ipProtocol: "tcp", fromPort: 1000, toPort: 2000, cidr: "10.0.0.0/8", groupId: nil),
                .init(ipProtocol: "icmp", fromPort: 8, toPort: -1, cidr: nil, groupId: "sg-00000000000000001"),
                .init(ipProtocol: "47", fromPort: nil, toPort: nil, cidr: "172.31.0.0/16", groupId: nil),
            ],
            egress: []),
    ]

    private var members: [VPCRuleset.Member] {
        [
            .init(
                instanceId: "i-00000000000000001", address: "172.31.0.4", groups: ["sg-00000000000000001"],
                mac: "02:00:00:00:00:01"),
            .init(
                instanceId: "i-00000000000000002", address: "172.31.0.5",
                groups: ["sg-00000000000000001", "sg-00000000000000002"], mac: "02:00:00:00:00:02"),
        ]
    }

    @Test func aTapMaySendOnlyItsInstancesAddresses() {
        let text = VPCRuleset(mappings: [], members: members, groups: groups).text
        #expect(text.contains("table bridge iaas {"))
        #expect(text.contains("iifname vmap { \"tap000000000001\" : jump port_i_00000000000000001"))
        #expect(text.contains("iifname \"tap*\" drop"), "a tap of no running instance sends nothing")
        #expect(text.contains("ether saddr != 02:00:00:00:00:01 drop"))
        #expect(text.contains("ether type arp arp saddr ip != { 0.0.0.0, 172.31.0.4 } drop"))
        #expect(text.contains("ether type ip ip saddr != { 0.0.0.0, 172.31.0.4 } drop"))
        #expect(text.contains("iifname != { \"outside0\", \"host0\" } ip saddr != @instances drop"))
    }

    @Test func securityGroupsBecomeAChainPerInstanceAndDirection() {
        let text = VPCRuleset(mappings: [], members: members, groups: groups).text
        #expect(text.contains("ct state established,related accept"), "stateful: replies pass")
        #expect(
            text.contains(
                "ip saddr vmap { 172.31.0.4 : jump out_i_00000000000000001, 172.31.0.5 : jump out_i_00000000000000002 }"
            ))
        #expect(
            text.contains(
                "set members_sg_00000000000000001 {\n        type ipv4_addr\n        elements = { 172.31.0.4, 172.31.0.5 }"
            ))
        #expect(
            text.contains(
                "set members_sg_00000000000000002 {\n        type ipv4_addr\n        elements = { 172.31.0.5 }"))
        // Egress rules let a packet on to the receiver's ingress; ingress rules accept it; anything else drops.
        #expect(
            text.contains("chain out_i_00000000000000001 {\n        ip daddr 0.0.0.0/0 return\n        drop\n    }"))
        #expect(text.contains("ip saddr @members_sg_00000000000000001 accept"))
        #expect(text.contains("ip saddr 0.0.0.0/0 tcp dport 80 accept"))
        #expect(text.contains("ip saddr 10.0.0.0/8 tcp dport 1000-2000 accept"))
        #expect(text.contains("ip saddr @members_sg_00000000000000001 icmp type 8 accept"))
        #expect(text.contains("ip saddr 172.31.0.0/16 ip protocol 47 accept"))
    }

    @Test(
        .enabled(
            if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"),
            "needs root and nft to ask the kernel"))
    func theKernelTakesTheTable() throws {
        // `nft -c`: parsed and checked by the kernel, committed nowhere.
        let ruleset = VPCRuleset(
            mappings: [.init(publicAddress: "198.18.0.1", privateAddress: "172.31.0.4")], members: members,
            groups: groups)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nft")
        // The lines that make, then delete, each table need a table to delete: check the rest alone.
        let body = ruleset.text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("delete table") && !($0.hasPrefix("table") && !$0.hasSuffix("{")) }
            .joined(separator: "\n")
        let input = Pipe()
        let errors = Pipe()
        process.arguments = ["-c", "-f", "-"]
        process.standardInput = input
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(message)")
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
