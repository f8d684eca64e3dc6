import Engine
import Foundation

/// Addresses of instances: each zone's subnet of the default VPC (172.31.0.0/16, a /20 per zone as AWS's
/// default VPC lays them out), the internal and external hostnames, MACs, and the daemon's public pool.
struct InstanceNetwork: Sendable {
    /// The public pool: 198.18.0.0/24, the benchmarking range, owned by the daemon.
    var publicPool = (base: IPv4("198.18.0.0")!, size: 256)

    static let vpcId = "vpc-00000000000000001"
    static let vpcCIDR = "172.31.0.0/16"
    /// AmazonProvidedDNS: the VPC's base + 2.
    static let dnsAddress = "172.31.0.2"

    var publicPoolText: String {
        "\(publicPool.base)/\(32 - Int(log2(Double(publicPool.size))))"
    }

    /// The domain of internal hostnames: `ec2.internal` in us-east-1, `<region>.compute.internal` elsewhere.
    static func internalDomain(region: String) -> String {
        region == "us-east-1" ? "ec2.internal" : "\(region).compute.internal"
    }

    /// The zone's subnet: 172.31.(16·n).0/20 for the zone's index n in its region.
    static func subnet(zoneIndex: Int) -> (base: IPv4, prefix: Int) {
        (IPv4(IPv4("172.31.0.0")!.value + UInt32(zoneIndex * 16) << 8), 20)
    }

    static func subnetText(zoneIndex: Int) -> String {
        let subnet = subnet(zoneIndex: zoneIndex)
        return "\(subnet.base)/\(subnet.prefix)"
    }

    static func subnetId(zoneIndex: Int) -> String {
        "subnet-" + String(format: "%017x", 0x1_0000 + zoneIndex)
    }

    /// The lowest free private address of the subnet: AWS keeps the first four and the last for itself.
    static func freePrivateAddress(zoneIndex: Int, taken: Set<String>) -> String? {
        let subnet = subnet(zoneIndex: zoneIndex)
        let size = UInt32(1) << UInt32(32 - subnet.prefix)
        for offset in 4..<(size - 1) {
            let address = IPv4(subnet.base.value + offset).description
            if !taken.contains(address) { return address }
        }
        return nil
    }

    func freePublicAddress(taken: Set<String>) -> String? {
        // .0 and .255 are never handed out.
        for offset in 1..<(publicPool.size - 1) {
            let address = IPv4(publicPool.base.value + UInt32(offset)).description
            if !taken.contains(address) { return address }
        }
        return nil
    }

    /// `ip-172-31-5-9.ec2.internal` in us-east-1, `ip-….<region>.compute.internal` elsewhere.
    static func privateDnsName(_ address: String, region: String) -> String {
        "ip-" + address.replacingOccurrences(of: ".", with: "-") + "." + internalDomain(region: region)
    }

    /// `ec2-198-18-0-5.compute-1.amazonaws.com` in us-east-1, `ec2-….<region>.compute.amazonaws.com` elsewhere.
    static func publicDnsName(_ address: String?, region: String) -> String {
        guard let address else { return "" }
        let name = "ec2-" + address.replacingOccurrences(of: ".", with: "-")
        return region == "us-east-1" ? "\(name).compute-1.amazonaws.com" : "\(name).\(region).compute.amazonaws.com"
    }

    /// A locally administered MAC derived from the instance id.
    static func macAddress(instanceId: String) -> String {
        let hex = Array(instanceId.dropFirst(2).suffix(10))
        let pairs = stride(from: 0, to: 10, by: 2).map { String(hex[$0..<$0 + 2]) }
        return (["02"] + pairs).joined(separator: ":")
    }
}
