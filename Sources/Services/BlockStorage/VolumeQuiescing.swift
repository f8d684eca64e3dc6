import API

/// Holds a volume's writer still while a snapshot reads it, so that the snapshot holds the volume as it
/// was at one instant: compute pauses the machine of a running instance the volume is attached to.
public protocol VolumeQuiescing: Sendable {
    /// Pauses whatever may write to the volume now and returns how to let it go on, or nil when nothing
    /// writes to it.
    func quiesce(volume id: String) async throws(CloudError) -> (@Sendable () async -> Void)?

    /// Whether whatever may write to the volume marks its change map (nothing, or the classic engine),
    /// so that a snapshot may trust the map from its capture on.
    func writerMarksChanges(volume id: String) async -> Bool
}
