/// What a region's data plane should be, computed from the control plane's tables: the reconciler and
/// every change of an instance or address apply a whole plan, so a crash between two steps of one change
/// is mended by the next apply.
public struct RegionPlan: Sendable, Equatable {
    public var layout: RegionLayout
    public var vpcs: [VPC]
    /// The public pool, routed from the outside into the VPC namespace, as `a.b.c.d/n`.
    public var publicPool: String
    /// The DNS domain of internal hostnames (`ec2.internal`, `<region>.compute.internal`).
    public var domain: String
    /// The region's security groups, which every NIC's traffic is filtered by.
    public var securityGroups: [SecurityGroup]
    /// The route from the host's own namespace, when the daemon was asked for one.
    public var hostRoute: HostRoute?

    public init(
        layout: RegionLayout, vpcs: [VPC], publicPool: String, domain: String, securityGroups: [SecurityGroup] = [],
        hostRoute: HostRoute? = nil
    ) {
        self.hostRoute = hostRoute
        self.securityGroups = securityGroups
        self.layout = layout
        self.vpcs = vpcs
        self.publicPool = publicPool
        self.domain = domain
    }

    /// A VPC: one bridge, its subnets' routers on it, one dnsmasq.
    public struct VPC: Sendable, Equatable {
        public var id: String
        /// The VPC's range, as `a.b.c.d/n`.
        public var cidr: String
        /// The DNS server's address (the VPC's base + 2, as AmazonProvidedDNS).
        public var dnsAddress: String
        public var subnets: [Subnet]
        public var interfaces: [Interface]

        public init(id: String, cidr: String, dnsAddress: String, subnets: [Subnet], interfaces: [Interface]) {
            self.id = id
            self.cidr = cidr
            self.dnsAddress = dnsAddress
            self.subnets = subnets
            self.interfaces = interfaces
        }

        var bridge: String { RegionLayout.bridge(vpcId: id) }
    }

    public struct Subnet: Sendable, Equatable {
        /// The network address, e.g. 172.31.16.0.
        public var base: String
        public var prefixLength: Int
        /// The router's address, the base + 1: the bridge answers it.
        public var router: String

        public init(base: String, prefixLength: Int, router: String) {
            self.base = base
            self.prefixLength = prefixLength
            self.router = router
        }
    }

    /// A security group: what may reach its members (ingress) and what they may reach (egress). Stateful:
    /// the replies of an allowed flow are allowed.
    public struct SecurityGroup: Sendable, Equatable {
        public var id: String
        public var ingress: [Rule]
        public var egress: [Rule]

        public init(id: String, ingress: [Rule], egress: [Rule]) {
            self.id = id
            self.ingress = ingress
            self.egress = egress
        }
    }

    /// One permission: a protocol (`-1` all, `tcp`, `udp`, `icmp`, or a number), a port range (an ICMP type
    /// and code), and a peer: a CIDR, or the members of a group.
    public struct Rule: Sendable, Equatable {
        public var ipProtocol: String
        public var fromPort: Int?
        public var toPort: Int?
        public var cidr: String?
        public var groupId: String?

        public init(ipProtocol: String, fromPort: Int?, toPort: Int?, cidr: String?, groupId: String?) {
            self.ipProtocol = ipProtocol
            self.fromPort = fromPort
            self.toPort = toPort
            self.cidr = cidr
            self.groupId = groupId
        }
    }

    /// An instance's NIC: its tap (while its machine may run), its DHCP lease and DNS names, and its 1:1 NAT.
    public struct Interface: Sendable, Equatable {
        public var instanceId: String
        public var mac: String
        public var privateAddress: String
        /// The short hostname the guest gets by DHCP (`ip-172-31-0-4`).
        public var hostname: String
        /// Names the VPC's DNS answers with the private address: the internal and external hostnames.
        public var names: [String]
        /// The public address or Elastic IP that NAT maps to the private one, while the instance runs.
        public var publicAddress: String?
        /// The external hostname the outside resolves to the public address.
        public var publicName: String?
        /// Whether the instance's tap exists (its machine may run): not while stopped.
        public var hasTap: Bool
        /// The ids of the groups the NIC is in.
        public var securityGroups: [String]

        public init(
            instanceId: String, mac: String, privateAddress: String, hostname: String, names: [String],
            publicAddress: String?, publicName: String?, hasTap: Bool, securityGroups: [String] = []
        ) {
            self.securityGroups = securityGroups
            self.instanceId = instanceId
            self.mac = mac
            self.privateAddress = privateAddress
            self.hostname = hostname
            self.names = names
            self.publicAddress = publicAddress
            self.publicName = publicName
            self.hasTap = hasTap
        }

        public var tap: String { RegionLayout.tap(instanceId: instanceId) }
    }
}
