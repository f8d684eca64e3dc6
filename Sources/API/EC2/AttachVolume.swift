/// `ec2.AttachVolume`: a volume to an instance of its zone, as `Device` (e.g. `/dev/sdf`).
public struct AttachVolumeRequest: Codable, Sendable {
    public var volumeId: String
    public var instanceId: String
    public var device: String

    public init(volumeId: String, instanceId: String, device: String) {
        self.volumeId = volumeId
        self.instanceId = instanceId
        self.device = device
    }
}

/// `ec2.DetachVolume`: `InstanceId` and `Device`, when given, must match the attachment.
public struct DetachVolumeRequest: Codable, Sendable {
    public var volumeId: String
    public var instanceId: String?
    public var device: String?
    public var force: Bool?

    public init(volumeId: String, instanceId: String? = nil, device: String? = nil, force: Bool? = nil) {
        self.volumeId = volumeId
        self.instanceId = instanceId
        self.device = device
        self.force = force
    }
}
