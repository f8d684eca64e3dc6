import SystemPackage

/// The layout of a data directory:
///
/// ```
/// iaasd.lock           exclusive lock + pid of the daemon using the directory
/// iaas.sqlite          control plane (WAL, synchronous=FULL)
/// run/                 sockets, pid files and console logs of VMs
/// images/<aki|ari-id>/ the kernel or ramdisk of a registered image (kept while an image or instance uses it)
/// zones/<az>/ebs-0/    first replica of each volume of the zone
/// zones/<az>/ebs-1/    second replica
/// zones/<az>/blobs/    content-addressed blobs
/// zones/<az>/instance-store/
/// zones/<az>/lost+found/  files the database could not account for, kept for an operator
/// zones/<az>/sqs.sqlite   the zone's partition of the region's SQS messages
/// ```
///
/// Everything in it is the owner's alone: directories 0700, files 0600.
public struct DataDirectory: Sendable, Hashable {
    public let root: FilePath

    public init(root: FilePath) {
        self.root = root
    }

    public var database: FilePath { root.appending("iaas.sqlite") }
    public var run: FilePath { root.appending("run") }
    /// The kernels and ramdisks of registered images, a directory per image (`images/aki-…/kernel`).
    public var images: FilePath { root.appending("images") }
    public var defaultSocket: FilePath { root.appending("iaasd.sock") }

    public func zone(_ name: String) -> ZoneDirectory {
        ZoneDirectory(root: root.appending("zones").appending(name))
    }

    /// Creates the directories of the data directory and of the given zones, and narrows the modes of any
    /// that an older daemon made wider, so no local user can read a volume or the database.
    public func prepare(zones: [String]) throws(FileSystemError) {
        try secure()
        try DurableFiles.makeDirectories(run)
        for name in zones {
            let zone = zone(name)
            for replica in 0..<VolumeReplicaFiles.replicaCount {
                try DurableFiles.makeDirectories(zone.ebs(replica: replica))
            }
            try DurableFiles.makeDirectories(zone.blobs)
            try DurableFiles.makeDirectories(zone.instanceStore)
        }
    }

    /// Sets the owner-only modes on the root, the database and every directory below `zones/`. Files inside
    /// those directories need no change: nobody else can reach them once their directories are 0700.
    private func secure() throws(FileSystemError) {
        try DurableFiles.setMode(root, DurableFiles.directoryMode)
        for name in ["iaas.sqlite", "iaas.sqlite-wal", "iaas.sqlite-shm", "iaasd.lock"] {
            try DurableFiles.setMode(root.appending(name), DurableFiles.fileMode)
        }
        try DurableFiles.setMode(run, DurableFiles.directoryMode)
        let zones = root.appending("zones")
        try DurableFiles.setMode(zones, DurableFiles.directoryMode)
        for name in try DurableFiles.list(zones) {
            let zone = zone(name)
            let areas =
                (0..<VolumeReplicaFiles.replicaCount).map { zone.ebs(replica: $0) } + [
                    zone.blobs, zone.instanceStore, zone.lostAndFound,
                ]
            for directory in [zone.root] + areas {
                try DurableFiles.setMode(directory, DurableFiles.directoryMode)
            }
        }
    }
}

/// The directories of one availability zone: its own failure domain, which an operator may put on its
/// own disk.
public struct ZoneDirectory: Sendable, Hashable {
    public let root: FilePath

    /// The directory of one of the zone's two EBS "storage servers".
    public func ebs(replica: Int) -> FilePath { root.appending("ebs-\(replica)") }
    public var blobs: FilePath { root.appending("blobs") }
    public var instanceStore: FilePath { root.appending("instance-store") }
    /// Where files the database cannot account for are moved, never deleted; only an operator empties it.
    public var lostAndFound: FilePath { root.appending("lost+found") }
    /// The zone's partition of the region's SQS messages.
    public var messages: FilePath { root.appending("sqs.sqlite") }
}
