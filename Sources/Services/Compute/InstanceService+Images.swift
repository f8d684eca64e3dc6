import API
import GRDB
import Store

extension InstanceService {
    static let imageFilters: Set<String> = [
        "image-id", "name", "state", "owner-id", "owner-alias", "architecture", "root-device-type", "is-public",
        "description",
        "image-type", "kernel-id", "ramdisk-id", "manifest-location",
    ]

    /// `ec2.DescribeImages`.
    public func describeImages(_ request: DescribeImagesRequest) async throws(CloudError) -> DescribeImagesResult {
        let filters = try FilterSet(request.filters, supported: Self.imageFilters, allowsTags: false)
        for id in request.imageIds ?? []
        where !Self.imagePrefixes.contains(where: { ResourceID.isWellFormed(id, prefix: $0) }) {
            throw ComputeErrors.malformedImageID(id)
        }
        let (records, snapshots) = try await database.readOrThrow { db in
            (
                try ImageRecord.order(Column("id")).fetchAll(db),
                try Dictionary(
                    uniqueKeysWithValues: SnapshotRecord.filter(
                        sql: "id IN (SELECT rootSnapshotId FROM image WHERE rootSnapshotId IS NOT NULL)"
                    ).fetchAll(db).map { ($0.id, $0.state) })
            )
        }
        let account = self.account
        let images = records.map { record in
            ImageCatalog.image(record, account: account, snapshot: record.rootSnapshotId.flatMap { snapshots[$0] })
        }
        if let ids = request.imageIds, !ids.isEmpty {
            let found = Set(images.map(\.imageId))
            if let missing = ids.first(where: { !found.contains($0) }) { throw ComputeErrors.imageNotFound(missing) }
        }
        let wanted = Set(request.imageIds ?? [])
        let owners = request.owners ?? []
        func owned(_ image: Image) -> Bool {
            owners.isEmpty
                || owners.contains { owner in
                    owner == image.ownerId || owner == image.imageOwnerAlias
                        || (owner == "self" && image.ownerId == account)
                }
        }
        return DescribeImagesResult(
            images: images.filter { image in
                (wanted.isEmpty || wanted.contains(image.imageId)) && owned(image)
                    && filters.matches { name in Self.attribute(name, of: image) }
            })
    }

    private static func attribute(_ name: String, of image: Image) -> [String]? {
        switch name {
        case "image-id": [image.imageId]
        case "name": [image.name]
        case "state": [image.state]
        case "owner-id": [image.ownerId]
        case "owner-alias": image.imageOwnerAlias.map { [$0] } ?? []
        case "architecture": [image.architecture]
        case "root-device-type": [image.rootDeviceType]
        case "is-public": [String(image.public)]
        case "description": [image.description]
        case "image-type": [image.imageType]
        case "kernel-id": image.kernelId.map { [$0] } ?? []
        case "ramdisk-id": image.ramdiskId.map { [$0] } ?? []
        case "manifest-location": image.imageLocation.map { [$0] } ?? []
        default: nil
        }
    }

    /// `ec2.DescribeInstanceTypes`.
    public func describeInstanceTypes(_ request: DescribeInstanceTypesRequest) throws(CloudError)
        -> DescribeInstanceTypesResult
    {
        let names = request.instanceTypes ?? []
        for name in names { _ = try InstanceType.named(name) }
        let types = InstanceType.all.filter { names.isEmpty || names.contains($0.name) }
        return DescribeInstanceTypesResult(
            instanceTypes: types.map { type in
                InstanceTypeInfo(
                    instanceType: type.name, vCpus: type.vcpus, memoryMiB: type.memoryMiB,
                    instanceStorageGB: type.instanceStorageGB, hypervisor: engine(of: type).name,
                    guestMemoryInMiB: type.guestMemoryMiB(divisor: memoryDivisor),
                    architecture: type.architecture.rawValue)
            })
    }
}
