import API
import Foundation
import GRDB
import IaasTesting
import Store
import SystemPackage

@testable import Services

#if canImport(Glibc)
    import Glibc
#endif

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
    let temporary: ScratchDirectory
    let dataDirectory: DataDirectory
    let catalog = RegionCatalog.standard
    let database: StoreDatabase
    let files: VolumeFileStore
    let volumes: VolumeService
    let tags: TagService
    let repairer: ReplicaRepairer

    init() throws {
        temporary = try ScratchDirectory()
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
