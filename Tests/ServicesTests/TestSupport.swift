import API
import Foundation
import GRDB
import Store
import SystemPackage

@testable import Services

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under the system temporary directory, removed with everything in it on deinit.
final class TemporaryDirectory {
    let path: FilePath

    init() throws {
        var template = Array((NSTemporaryDirectory() + "iaas-services-tests-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        guard let made else { throw Errno(rawValue: errno) }
        path = FilePath(String(cString: made))
    }

    func appending(_ component: String) -> FilePath { path.appending(component) }

    deinit {
        try? FileManager.default.removeItem(atPath: path.string)
    }
}

/// Plain file access for arranging and checking what the code under test wrote.
enum RawFile {
    static func write(_ bytes: [UInt8], to path: FilePath, at offset: Int64, create: Bool = false) throws {
        let fd = try FileDescriptor.open(
            path, .writeOnly, options: create ? [.create] : [], permissions: create ? [.ownerReadWrite] : nil)
        try fd.closeAfter { _ = try fd.writeAll(toAbsoluteOffset: offset, bytes) }
    }

    static func read(_ path: FilePath, at offset: Int64, count: Int) throws -> [UInt8] {
        let fd = try FileDescriptor.open(path, .readOnly)
        return try fd.closeAfter {
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let got = try bytes.withUnsafeMutableBytes { buffer in
                    try fd.read(
                        fromAbsoluteOffset: offset + Int64(done),
                        into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
                }
                if got == 0 { break }
                done += got
            }
            return Array(bytes[..<done])
        }
    }

    static func truncate(_ path: FilePath, to size: Int64) throws {
        guard Glibc.truncate(path.string, off_t(size)) == 0 else { throw Errno(rawValue: errno) }
    }

    static func exists(_ path: FilePath) -> Bool {
        FileManager.default.fileExists(atPath: path.string)
    }
}

/// Deterministic pseudo-random bytes (xorshift), so a copy that drops or shifts data is caught.
func pattern(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBufferPointer { buffer in
        for index in buffer.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            buffer[index] = UInt8(truncatingIfNeeded: state)
        }
    }
    return bytes
}

let GiB: Int64 = 1 << 30
let MiB: Int64 = 1 << 20
let TiB: Int64 = 1 << 40

/// The error `body` throws, or nil when it returns.
func thrown<T>(_ body: () throws(CloudError) -> T) -> CloudError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// The error `body` throws, or nil when it returns.
func thrownAsync<T>(_ body: () async throws(CloudError) -> T) async -> CloudError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

/// The services of a cloud over a fresh data directory and SQLite file, built as `Cloud` builds them;
/// the directory is removed on deinit.
final class CloudFixture: @unchecked Sendable {
    let temporary: TemporaryDirectory
    let dataDirectory: DataDirectory
    let catalog = RegionCatalog.standard
    let database: StoreDatabase
    let files: VolumeFileStore
    let volumes: VolumeService
    let tags: TagService
    let repairer: ReplicaRepairer

    init() throws {
        temporary = try TemporaryDirectory()
        dataDirectory = DataDirectory(root: temporary.path)
        try dataDirectory.prepare(zones: catalog.zones.map(\.zone.zoneName))
        database = try StoreDatabase(path: dataDirectory.database)
        files = VolumeFileStore(dataDirectory: dataDirectory)
        volumes = VolumeService(database: database, files: files, catalog: catalog)
        tags = TagService(database: database)
        repairer = ReplicaRepairer(volumes: volumes, interval: .seconds(3600))
    }

    deinit {
        try? database.close()
    }

    /// The path of segment 0 of a replica of a volume.
    func segment(_ volumeId: String, replica: Int, zone: String = "us-east-1a") -> FilePath {
        dataDirectory.zone(zone).ebs(replica: replica).appending("\(volumeId).0.raw")
    }

    func create(
        zone: String = "us-east-1a", size: Int = 8, type: String? = nil, iops: Int? = nil, tags: [Tag]? = nil,
        token: String? = nil
    ) async throws(CloudError) -> Volume {
        try await volumes.createVolume(
            CreateVolumeRequest(
                availabilityZone: zone, size: size, volumeType: type, iops: iops,
                tagSpecifications: tags.map { [TagSpecification(resourceType: "volume", tags: $0)] }, clientToken: token
            ))
    }

    func record(_ id: String) async throws -> VolumeRecord? {
        try await database.read { db in try VolumeRecord.fetchOne(db, key: id) }
    }

    func describe(_ request: DescribeVolumesRequest = DescribeVolumesRequest()) async throws(CloudError) -> [Volume] {
        try await volumes.describeVolumes(request).volumes
    }
}

/// `Testing.Tag` would make the name ambiguous; the tests mean the resource tag.
typealias Tag = API.Tag
