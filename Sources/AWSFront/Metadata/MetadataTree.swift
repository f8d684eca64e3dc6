import Foundation
import Services

/// The instance metadata service's categories for one instance, as a tree: a directory lists its entries
/// (a subdirectory's name ends in `/`), a leaf is its value. Only what the cloud knows is in it.
indirect enum MetadataNode: Sendable, Equatable {
    case value([UInt8])
    case directory([(name: String, node: MetadataNode)])

    static func == (lhs: MetadataNode, rhs: MetadataNode) -> Bool {
        switch (lhs, rhs) {
        case (.value(let a), .value(let b)): a == b
        case (.directory(let a), .directory(let b)):
            a.map(\.name) == b.map(\.name) && zip(a, b).allSatisfy { $0.node == $1.node }
        default: false
        }
    }

    static func text(_ string: String) -> MetadataNode { .value(Array(string.utf8)) }

    /// The node at `components`, or nil.
    func find(_ components: ArraySlice<String>) -> MetadataNode? {
        guard let first = components.first else { return self }
        guard case .directory(let entries) = self, let entry = entries.first(where: { $0.name == first }) else {
            return nil
        }
        return entry.node.find(components.dropFirst())
    }

    /// What a GET of the node returns: a directory's listing, one entry a line.
    var body: [UInt8] {
        switch self {
        case .value(let bytes): bytes
        case .directory(let entries):
            Array(
                entries.map { entry in
                    if case .directory = entry.node { return entry.name + "/" }
                    return entry.name
                }.joined(separator: "\n").utf8)
        }
    }

    /// `/latest/` of an instance: `meta-data/`, `dynamic/`, and `user-data` when it has some.
    static func latest(_ instance: InstanceMetadata) -> MetadataNode {
        var entries: [(String, MetadataNode)] = [
            ("dynamic", .directory([("instance-identity", .directory([("document", identityDocument(instance))]))])),
            ("meta-data", metaData(instance)),
        ]
        if let userData = instance.userData { entries.append(("user-data", .value(Array(userData)))) }
        return .directory(entries.map { (name: $0.0, node: $0.1) })
    }

    private static func metaData(_ instance: InstanceMetadata) -> MetadataNode {
        let mac = instance.mac
        var interface: [(String, MetadataNode)] = [
            ("device-number", .text("0")), ("interface-id", .text("eni-" + instance.instanceId.dropFirst(2))),
            ("local-hostname", .text(instance.privateHostname)), ("local-ipv4s", .text(instance.privateIp)),
            ("mac", .text(mac)), ("owner-id", .text(instance.accountId)),
            ("subnet-id", .text(instance.subnetId)), ("subnet-ipv4-cidr-block", .text(instance.subnetCIDR)),
            ("vpc-id", .text(instance.vpcId)), ("vpc-ipv4-cidr-block", .text(instance.vpcCIDR)),
        ]
        var entries: [(String, MetadataNode)] = [
            ("ami-id", .text(instance.imageId)), ("ami-launch-index", .text(String(instance.launchIndex))),
            ("hostname", .text(instance.privateHostname)), ("instance-id", .text(instance.instanceId)),
            ("instance-life-cycle", .text("on-demand")), ("instance-type", .text(instance.instanceType)),
            ("local-hostname", .text(instance.privateHostname)), ("local-ipv4", .text(instance.privateIp)),
            ("mac", .text(mac)),
        ]
        if let publicIp = instance.publicIp, let publicHostname = instance.publicHostname {
            interface += [("public-hostname", .text(publicHostname)), ("public-ipv4s", .text(publicIp))]
            entries += [("public-hostname", .text(publicHostname)), ("public-ipv4", .text(publicIp))]
        }
        interface.sort { $0.0 < $1.0 }
        entries += [
            (
                "network",
                .directory([
                    (
                        name: "interfaces",
                        node: .directory([
                            (
                                name: "macs",
                                node: .directory([
                                    (name: mac, node: .directory(interface.map { (name: $0.0, node: $0.1) }))
                                ])
                            )
                        ])
                    )
                ])
            ),
            (
                "placement",
                .directory([
                    (name: "availability-zone", node: .text(instance.availabilityZone)),
                    (name: "region", node: .text(instance.region)),
                ])
            ),
            ("reservation-id", .text(instance.reservationId)),
            ("security-groups", .text(instance.securityGroups.joined(separator: "\n"))),
        ]
        entries.sort { $0.0 < $1.0 }
        return .directory(entries.map { (name: $0.0, node: $0.1) })
    }

    /// The instance identity document, as AWS's (unsigned: there is no AWS key to sign it with).
    private static func identityDocument(_ instance: InstanceMetadata) -> MetadataNode {
        let formatter = ISO8601DateFormatter()
        let document: [String: Any] = [
            "accountId": instance.accountId, "architecture": "x86_64",
            "availabilityZone": instance.availabilityZone, "imageId": instance.imageId,
            "instanceId": instance.instanceId, "instanceType": instance.instanceType,
            "pendingTime": formatter.string(from: instance.launchTime), "privateIp": instance.privateIp,
            "region": instance.region, "version": "2017-09-30", "billingProducts": NSNull(),
            "devpayProductCodes": NSNull(), "marketplaceProductCodes": NSNull(), "kernelId": NSNull(),
            "ramdiskId": NSNull(),
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return .value(Array(data))
    }
}
