import Engine
import Store

extension VolumeFileStore {
    /// Makes a new volume's replicas (`ensure`) and its change map, untracked. Only a volume no writer has
    /// yet gets a map: a writer marks a map only if there was one when it opened the volume. A map that
    /// could not be made leaves the volume untracked (its snapshots read it whole), which is always safe.
    func makeNew(_ files: VolumeReplicaFiles) throws(FileSystemError) {
        try ensure(files)
        try? VolumeChangeMap.create(at: files.changeMap.string)
    }
}
