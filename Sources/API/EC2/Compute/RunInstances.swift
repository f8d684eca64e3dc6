/// `ec2.RunInstances`: launches `MinCount` to `MaxCount` instances of an image.
public struct RunInstancesRequest: Codable, Sendable {
    public var imageId: String
    /// Default `t3.micro`... AWS's default is `m1.small`, which this cloud does not have; see DescribeInstanceTypes.
    public var instanceType: String?
    public var minCount: Int
    public var maxCount: Int
    public var placement: Placement?
    public var subnetId: String?
    /// Base64, at most 16 KiB decoded, as in AWS.
    public var userData: String?
    public var blockDeviceMappings: [BlockDeviceMapping]?
    public var tagSpecifications: [TagSpecification]?
    public var clientToken: String?
    /// The groups of the instances, by id or (in the default VPC) by name; the VPC's `default` when neither.
    public var securityGroupIds: [String]?
    public var securityGroups: [String]?

    public init(
        imageId: String, instanceType: String? = nil, minCount: Int = 1, maxCount: Int = 1,
        placement: Placement? = nil, subnetId: String? = nil, userData: String? = nil,
        blockDeviceMappings: [BlockDeviceMapping]? = nil, tagSpecifications: [TagSpecification]? = nil,
        clientToken: String? = nil, securityGroupIds: [String]? = nil, securityGroups: [String]? = nil
    ) {
        self.securityGroupIds = securityGroupIds
        self.securityGroups = securityGroups
        self.imageId = imageId
        self.instanceType = instanceType
        self.minCount = minCount
        self.maxCount = maxCount
        self.placement = placement
        self.subnetId = subnetId
        self.userData = userData
        self.blockDeviceMappings = blockDeviceMappings
        self.tagSpecifications = tagSpecifications
        self.clientToken = clientToken
    }
}

public struct Placement: Codable, Sendable, Hashable {
    public var availabilityZone: String?
    public var tenancy: String?

    public init(availabilityZone: String? = nil, tenancy: String? = nil) {
        self.availabilityZone = availabilityZone
        self.tenancy = tenancy
    }
}

/// What RunInstances returns: one reservation.
public typealias RunInstancesResult = Reservation
