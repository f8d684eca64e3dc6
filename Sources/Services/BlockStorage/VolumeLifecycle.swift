import API
import Store

/// The rules of a volume's lifecycle, apart from disk and database so they can be tested alone:
///
/// ```
/// creating ──▶ available ◀──▶ in-use
///    │            │
///    ▼            ▼
///  error ──▶  deleting ──▶ deleted
///               │
///               ▼
///             error (files could not be removed; DeleteVolume again)
/// ```
///
/// Each function answers whether an action may start in a state and which transitional state it enters.
enum VolumeLifecycle {
    /// `DeleteVolume`: an `available` volume with no modification under way, or one in `error` (whose files
    /// could not be made or removed), may be deleted.
    static func delete(_ id: String, state: VolumeState, modifying: Bool) throws(CloudError) -> VolumeState {
        switch state {
        case .available, .error:
            guard !modifying else {
                throw .incorrectState(
                    "The volume '\(id)' is being modified; delete it when the modification completes.")
            }
            return .deleting
        case .inUse:
            throw VolumeErrors.inUse(id)
        case .deleted, .deleting:
            throw VolumeErrors.notFound(id)
        case .creating:
            throw VolumeErrors.incorrectState(id, state: state.rawValue, action: "deleted")
        }
    }

    /// `ModifyVolume`: an `available` or `in-use` volume with no other modification under way.
    static func modify(_ id: String, state: VolumeState, modifying: Bool) throws(CloudError) {
        switch state {
        case .available, .inUse:
            guard !modifying else {
                throw CloudError(
                    code: "IncorrectModificationState",
                    message: "The volume '\(id)' is already being modified; wait for that modification to complete."
                )
            }
        case .deleted, .deleting:
            throw VolumeErrors.notFound(id)
        case .creating, .error:
            throw VolumeErrors.incorrectState(id, state: state.rawValue, action: "modified")
        }
    }

    /// Whether a volume's replicas may be checked and repaired in this state.
    static func isRepairable(_ state: VolumeState) -> Bool {
        state == .available || state == .inUse
    }

    /// Whether a volume is visible to `Describe*` in this state.
    static func isVisible(_ state: VolumeState) -> Bool {
        state != .deleted
    }
}
