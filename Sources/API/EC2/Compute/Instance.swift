import Foundation

/// A reservation: the instances one RunInstances launched.
public struct Reservation: Codable, Sendable, Hashable {
    public var reservationId: String
    public var ownerId: String
    public var instances: [Instance]

    public init(reservationId: String, ownerId: String, instances: [Instance]) {
        self.reservationId = reservationId
        self.ownerId = ownerId
        self.instances = instances
    }
}

/// An EC2 instance as `DescribeInstances` shows it.
public struct Instance: Codable, Sendable, Hashable {
    public var instanceId: String
    public var imageId: String
    public var instanceType: String
    public var state: InstanceStateValue
    public var privateDnsName: String
    public var privateIpAddress: String
    public var publicDnsName: String
    public var publicIpAddress: String?
    public var stateTransitionReason: String
    public var stateReason: StateReason?
    public var launchTime: Date
    public var amiLaunchIndex: Int
    public var placement: Placement
    public var subnetId: String
    public var vpcId: String
    public var architecture: String
    public var rootDeviceType: String
    public var rootDeviceName: String
    public var virtualizationType: String
    public var hypervisor: String
    public var blockDeviceMappings: [InstanceBlockDeviceMapping]
    public var networkInterfaces: [InstanceNetworkInterface]
    public var clientToken: String?
    public var tags: [Tag]?
    public var securityGroups: [GroupIdentifier]?
    /// Not AWS's: how packets reach the instance here. `vpc`: the VPC data plane (a tap on its VPC's bridge,
    /// DHCP and DNS by the VPC's dnsmasq, 1:1 NAT of its public address); `user`: QEMU's user-mode
    /// networking, its HTTP port forwarded from the host's 127.0.0.1 (`LocalHttpPort`).
    public var networkMode: String?
    public var localHttpPort: Int?

    public init(
        instanceId: String, imageId: String, instanceType: String, state: InstanceStateValue,
        privateDnsName: String, privateIpAddress: String, publicDnsName: String, publicIpAddress: String?,
        stateTransitionReason: String, stateReason: StateReason?, launchTime: Date, amiLaunchIndex: Int,
        placement: Placement, subnetId: String, vpcId: String, architecture: String = "x86_64",
        rootDeviceType: String = "ebs", rootDeviceName: String = "/dev/xvda", virtualizationType: String = "hvm",
        hypervisor: String, blockDeviceMappings: [InstanceBlockDeviceMapping],
        networkInterfaces: [InstanceNetworkInterface], clientToken: String?, tags: [Tag]?,
        networkMode: String? = nil, localHttpPort: Int? = nil, securityGroups: [GroupIdentifier]? = nil
    ) {
        self.securityGroups = securityGroups
        self.instanceId = instanceId
        self.imageId = imageId
        self.instanceType = instanceType
        self.state = state
        self.privateDnsName = privateDnsName
        self.privateIpAddress = privateIpAddress
        self.publicDnsName = publicDnsName
        self.publicIpAddress = publicIpAddress
        self.stateTransitionReason = stateTransitionReason
        self.stateReason = stateReason
        self.launchTime = launchTime
        self.amiLaunchIndex = amiLaunchIndex
        self.placement = placement
        self.subnetId = subnetId
        self.vpcId = vpcId
        self.architecture = architecture
        self.rootDeviceType = rootDeviceType
        self.rootDeviceName = rootDeviceName
        self.virtualizationType = virtualizationType
        self.hypervisor = hypervisor
        self.blockDeviceMappings = blockDeviceMappings
        self.networkInterfaces = networkInterfaces
        self.clientToken = clientToken
        self.tags = tags
        self.networkMode = networkMode
        self.localHttpPort = localHttpPort
    }
}

/// `State`: AWS's code and name (`running`, 16).
public struct InstanceStateValue: Codable, Sendable, Hashable {
    public var code: Int
    public var name: String

    public init(code: Int, name: String) {
        self.code = code
        self.name = name
    }
}

public struct StateReason: Codable, Sendable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

public struct InstanceBlockDeviceMapping: Codable, Sendable, Hashable {
    public var deviceName: String
    public var ebs: EbsInstanceBlockDevice

    public init(deviceName: String, ebs: EbsInstanceBlockDevice) {
        self.deviceName = deviceName
        self.ebs = ebs
    }
}

public struct EbsInstanceBlockDevice: Codable, Sendable, Hashable {
    public var volumeId: String
    public var status: String
    public var attachTime: Date
    public var deleteOnTermination: Bool

    public init(volumeId: String, status: String, attachTime: Date, deleteOnTermination: Bool) {
        self.volumeId = volumeId
        self.status = status
        self.attachTime = attachTime
        self.deleteOnTermination = deleteOnTermination
    }
}

public struct InstanceNetworkInterface: Codable, Sendable, Hashable {
    public var macAddress: String
    public var privateIpAddress: String
    public var privateDnsName: String
    public var subnetId: String
    public var vpcId: String
    public var status: String

    public init(
        macAddress: String, privateIpAddress: String, privateDnsName: String, subnetId: String, vpcId: String,
        status: String
    ) {
        self.macAddress = macAddress
        self.privateIpAddress = privateIpAddress
        self.privateDnsName = privateDnsName
        self.subnetId = subnetId
        self.vpcId = vpcId
        self.status = status
    }
}
