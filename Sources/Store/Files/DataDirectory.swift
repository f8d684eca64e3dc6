import SystemPackage

/// The layout of a data directory:
///
/// ```
/// iaasd.lock           exclusive lock + pid of the daemon using the directory
/// iaas.sqlite          control plane (WAL, synchronous=FULL)
/// run/                 sockets, pid files and console logs of VMs
/// zones/<az>/ebs-0/    first replica of each volume of the zone
/// zones/<az>/ebs-1/    second replica
/// zones/<az>/blobs/    content-addressed blobs
/// zones/<az>/instance-store/
/// ```
public struct DataDirectory: Sendable, Hashable {
    public let root: FilePath

    public init(root: FilePath) {
        self.root = root
    }

    public var database: FilePath { root.appending("iaas.sqlite") }
    public var run: FilePath { root.appending("run") }
    public var defaultSocket: FilePath { root.appending("iaasd.sock") }

    public func zone(_ name: String) -> ZoneDirectory {
        ZoneDirectory(root: root.appending("zones").appending(name))
    }

    /// Creates the directories of the data directory and of the given zones.
    public func prepare(zones: [String]) throws(FileSystemError) {
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
}

/// The directories of one availability zone: its own failure domain, which an operator may put on its
/// own disk.
public struct ZoneDirectory: Sendable, Hashable {
    public let root: FilePath

    /// The directory of one of the zone's two EBS "storage servers".
    public func ebs(replica: Int) -> FilePath { root.appending("ebs-\(replica)") }
    public var blobs: FilePath { root.appending("blobs") }
    public var instanceStore: FilePath { root.appending("instance-store") }
}
