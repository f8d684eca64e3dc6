/// `ec2.DeleteVolume`: only a volume that is not attached (`available`) can be deleted.
public struct DeleteVolumeRequest: Codable, Sendable {
    public var volumeId: String

    public init(volumeId: String) {
        self.volumeId = volumeId
    }
}
