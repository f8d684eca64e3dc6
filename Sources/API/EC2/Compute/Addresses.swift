/// `ec2.AllocateAddress`: an Elastic IP from the cloud's public pool (`Domain` is `vpc`, the only kind).
public struct AllocateAddressRequest: Codable, Sendable {
    public var domain: String?
    public var tagSpecifications: [TagSpecification]?

    public init(domain: String? = nil, tagSpecifications: [TagSpecification]? = nil) {
        self.domain = domain
        self.tagSpecifications = tagSpecifications
    }
}

public struct AllocateAddressResult: Codable, Sendable {
    public var allocationId: String
    public var publicIp: String
    public var domain: String
    public var publicIpv4Pool: String

    public init(allocationId: String, publicIp: String) {
        self.allocationId = allocationId
        self.publicIp = publicIp
        domain = "vpc"
        publicIpv4Pool = "amazon"
    }
}

/// `ec2.AssociateAddress`: the Elastic IP replaces the instance's public address, and stays through stops.
public struct AssociateAddressRequest: Codable, Sendable {
    public var allocationId: String
    public var instanceId: String
    public var allowReassociation: Bool?

    public init(allocationId: String, instanceId: String, allowReassociation: Bool? = nil) {
        self.allocationId = allocationId
        self.instanceId = instanceId
        self.allowReassociation = allowReassociation
    }
}

public struct AssociateAddressResult: Codable, Sendable {
    public var associationId: String

    public init(associationId: String) {
        self.associationId = associationId
    }
}

/// `ec2.DisassociateAddress`.
public struct DisassociateAddressRequest: Codable, Sendable {
    public var associationId: String

    public init(associationId: String) {
        self.associationId = associationId
    }
}

/// `ec2.ReleaseAddress`: an Elastic IP that is not associated goes back to the pool.
public struct ReleaseAddressRequest: Codable, Sendable {
    public var allocationId: String

    public init(allocationId: String) {
        self.allocationId = allocationId
    }
}

/// `ec2.DescribeAddresses`, by allocation id, address, and filters (`allocation-id`, `association-id`,
/// `instance-id`, `public-ip`, `domain`, `tag:KEY`, `tag-key`).
public struct DescribeAddressesRequest: Codable, Sendable {
    public var allocationIds: [String]?
    public var publicIps: [String]?
    public var filters: [Filter]?

    public init(allocationIds: [String]? = nil, publicIps: [String]? = nil, filters: [Filter]? = nil) {
        self.allocationIds = allocationIds
        self.publicIps = publicIps
        self.filters = filters
    }
}

public struct DescribeAddressesResult: Codable, Sendable {
    public var addresses: [Address]

    public init(addresses: [Address]) {
        self.addresses = addresses
    }
}

public struct Address: Codable, Sendable, Hashable {
    public var allocationId: String
    public var publicIp: String
    public var associationId: String?
    public var instanceId: String?
    public var privateIpAddress: String?
    public var domain: String
    public var publicIpv4Pool: String
    public var tags: [Tag]?

    public init(
        allocationId: String, publicIp: String, associationId: String?, instanceId: String?,
        privateIpAddress: String?, tags: [Tag]?
    ) {
        self.allocationId = allocationId
        self.publicIp = publicIp
        self.associationId = associationId
        self.instanceId = instanceId
        self.privateIpAddress = privateIpAddress
        domain = "vpc"
        publicIpv4Pool = "amazon"
        self.tags = tags
    }
}
