import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A zone's `lost+found/`: where files the database cannot account for go, instead of away.
///
/// A cloud must never destroy data it cannot explain: the database may be an older backup, or lost. Files
/// are moved here (renamed, both directories fsynced), logged, and counted in `daemon.Status`; nothing but
/// an operator deletes them.
public struct LostAndFound: Sendable {
    public let dataDirectory: DataDirectory

    public init(dataDirectory: DataDirectory) {
        self.dataDirectory = dataDirectory
    }

    /// Moves a file of a zone into the zone's `lost+found/`, under its own name (or the name with `.1`, `.2`,
    /// … when that is taken), durably.
    ///
    /// - Returns: where it now is.
    @discardableResult
    public func keep(_ path: FilePath, zone: ZoneDirectory) throws(FileSystemError) -> FilePath {
        let directory = zone.lostAndFound
        try DurableFiles.ensureDirectory(directory)
        let name = path.lastComponent?.string ?? "file"
        var target = directory.appending(name)
        var suffix = 0
        while try DurableFiles.sizes(of: target) != nil {
            suffix += 1
            target = directory.appending("\(name).\(suffix)")
        }
        guard rename(path.string, target.string) == 0 else {
            throw FileSystemError("rename", path: path.string, errno: Errno(rawValue: errno))
        }
        try DurableFiles.syncDirectory(directory)
        try DurableFiles.syncDirectory(path.removingLastComponent())
        return target
    }

    /// How many files the `lost+found/` directories of every zone directory hold.
    public func count() throws(FileSystemError) -> Int {
        var total = 0
        for zone in try DurableFiles.list(dataDirectory.root.appending("zones")) {
            total += try DurableFiles.list(dataDirectory.zone(zone).lostAndFound).count
        }
        return total
    }

    /// Whether any zone directory holds data outside `lost+found/`: volume replicas, blobs, instance stores,
    /// message partitions.
    /// A database that is new next to such data is not the database that data belongs to.
    public func zonesHoldData() throws(FileSystemError) -> Bool {
        for name in try DurableFiles.list(dataDirectory.root.appending("zones")) {
            let zone = dataDirectory.zone(name)
            for area in try DurableFiles.list(zone.root) where area != zone.lostAndFound.lastComponent?.string {
                let path = zone.root.appending(area)
                if path == zone.messages {
                    if MessagePartition.holdsMessages(at: path) { return true }
                } else if try !DurableFiles.list(path).isEmpty {
                    return true
                }
            }
        }
        return false
    }
}
