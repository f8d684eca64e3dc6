import API

/// EBS snapshot calls as tests make them.
extension IaasClient {
    public func createSnapshot(_ volumeId: String, description: String? = nil) async throws -> Snapshot {
        try await call(Methods.createSnapshot, CreateSnapshotRequest(volumeId: volumeId, description: description))
    }

    public func snapshot(_ id: String) async throws -> Snapshot {
        try await call(Methods.describeSnapshots, DescribeSnapshotsRequest(snapshotIds: [id])).snapshots[0]
    }

    /// Polls until the snapshot leaves `pending`; returns it as it is then.
    @discardableResult
    public func waitForSnapshot(_ id: String, timeout: Duration = .seconds(120)) async throws -> Snapshot {
        let deadline = ContinuousClock.now + timeout
        while true {
            let snapshot = try await snapshot(id)
            if snapshot.state != "pending" { return snapshot }
            guard ContinuousClock.now < deadline else {
                throw GuestShellError(description: "snapshot \(id) is still pending at \(snapshot.progress)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// A volume restored from a snapshot, once `available`.
    public func restoreVolume(_ snapshotId: String, zone: String = "us-east-1a", size: Int? = nil) async throws
        -> Volume
    {
        let volume = try await call(
            Methods.createVolume, CreateVolumeRequest(availabilityZone: zone, size: size, snapshotId: snapshotId))
        return try await waitForVolume(volume.volumeId, state: "available", timeout: .seconds(120))
    }
}
