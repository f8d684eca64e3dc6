import API

/// EBS calls as tests make them.
extension IaasClient {
    public func newVolume(zone: String = "us-east-1a", size: Int = 1) async throws -> String {
        try await call(Methods.createVolume, CreateVolumeRequest(availabilityZone: zone, size: size)).volumeId
    }

    public func volume(_ id: String) async throws -> Volume {
        try await call(Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [id])).volumes[0]
    }

    /// Polls until the volume is `state` (and, if given, its attachment is `attachment`).
    @discardableResult
    public func waitForVolume(_ id: String, state: String, attachment: String? = nil, timeout: Duration = .seconds(60))
        async throws -> Volume
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let volume = try await volume(id)
            if volume.state == state, attachment == nil || volume.attachments.first?.state == attachment {
                return volume
            }
            guard ContinuousClock.now < deadline else {
                throw GuestShellError(
                    description:
                        "volume \(id) is \(volume.state) (\(volume.attachments.first?.state ?? "no attachment")), not \(state)"
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
