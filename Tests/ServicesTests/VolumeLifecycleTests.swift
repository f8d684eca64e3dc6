import API
import Store
import Testing

@testable import Services

@Suite("VolumeLifecycle")
struct VolumeLifecycleTests {
    private let id = "vol-0123456789abcdef0"

    private func deleteError(_ state: VolumeState, modifying: Bool = false) -> CloudError? {
        thrown { () throws(CloudError) in try VolumeLifecycle.delete(id, state: state, modifying: modifying) }
    }

    private func modifyError(_ state: VolumeState, modifying: Bool = false) -> CloudError? {
        thrown { () throws(CloudError) in try VolumeLifecycle.modify(id, state: state, modifying: modifying) }
    }

    @Test("deleting an available volume enters deleting")
    func deleteAvailable() throws {
        #expect(try VolumeLifecycle.delete(id, state: .available, modifying: false) == .deleting)
    }

    @Test("deleting an in-use volume is VolumeInUse")
    func deleteInUse() {
        let error = deleteError(.inUse)
        #expect(error?.code == "VolumeInUse")
        #expect(error?.message.contains(id) == true)
    }

    @Test("deleting while a modification is under way is IncorrectState")
    func deleteWhileModifying() {
        #expect(deleteError(.available, modifying: true)?.code == "IncorrectState")
    }

    @Test(
        "deleting a deleted or deleting volume is InvalidVolume.NotFound", arguments: [VolumeState.deleted, .deleting])
    func deleteGone(state: VolumeState) {
        #expect(deleteError(state)?.code == "InvalidVolume.NotFound")
    }

    @Test("deleting a creating volume is IncorrectState")
    func deleteCreating() {
        #expect(deleteError(.creating)?.code == "IncorrectState")
    }

    @Test("a volume in error can be deleted: that is how AWS clears it")
    func deleteInError() throws {
        #expect(try VolumeLifecycle.delete(id, state: .error, modifying: false) == .deleting)
    }

    @Test("available and in-use volumes can be modified", arguments: [VolumeState.available, .inUse])
    func modifyAllowed(state: VolumeState) {
        #expect(modifyError(state) == nil)
    }

    @Test(
        "modifying while a modification is under way is IncorrectModificationState",
        arguments: [
            VolumeState.available, .inUse,
        ])
    func modifyWhileModifying(state: VolumeState) {
        #expect(modifyError(state, modifying: true)?.code == "IncorrectModificationState")
    }

    @Test(
        "modifying a deleted or deleting volume is InvalidVolume.NotFound", arguments: [VolumeState.deleted, .deleting])
    func modifyGone(state: VolumeState) {
        #expect(modifyError(state)?.code == "InvalidVolume.NotFound")
    }

    @Test("modifying a creating or error volume is IncorrectState", arguments: [VolumeState.creating, .error])
    func modifyTransitional(state: VolumeState) {
        #expect(modifyError(state)?.code == "IncorrectState")
    }

    @Test("only available and in-use volumes are repairable; all but deleted are visible")
    func predicates() {
        let repairable = VolumeState.allCases.filter(VolumeLifecycle.isRepairable)
        #expect(repairable == [.available, .inUse])
        let visible = VolumeState.allCases.filter(VolumeLifecycle.isVisible)
        #expect(visible == [.creating, .available, .inUse, .deleting, .error])
    }
}
