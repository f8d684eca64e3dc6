import API
import ArgumentParser
import Foundation

extension Iaasctl {
    static func volumeTable(_ volumes: [Volume]) -> Table {
        Table(
            headers: ["VOLUME-ID", "ZONE", "SIZE", "TYPE", "IOPS", "STATE", "TAGS"],
            rows: volumes.map { volume in
                [
                    volume.volumeId, volume.availabilityZone, "\(volume.size) GiB", volume.volumeType,
                    volume.iops.map(String.init) ?? "-", volume.state,
                    (volume.tags ?? []).map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                ]
            })
    }

    static func modificationTable(_ modifications: [VolumeModification]) -> Table {
        Table(
            headers: ["VOLUME-ID", "STATE", "SIZE", "TYPE", "IOPS"],
            rows: modifications.map { m in
                [
                    m.volumeId, m.modificationState, "\(m.originalSize) -> \(m.targetSize) GiB",
                    "\(m.originalVolumeType) -> \(m.targetVolumeType)",
                    "\(m.originalIops.map(String.init) ?? "-") -> \(m.targetIops.map(String.init) ?? "-")",
                ]
            })
    }

    struct CreateVolume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an EBS volume in an availability zone.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The zone, e.g. us-east-1a.")
        var availabilityZone: String

        @Option(help: "Size in GiB.")
        var size: Int?

        @Option(help: "gp3 (default), gp2, io1, io2, st1, sc1 or standard.")
        var volumeType: String?

        @Option(help: "Provisioned IOPS (gp3, io1, io2).")
        var iops: Int?

        @Option(help: "Throughput in MiB/s (gp3).")
        var throughput: Int?

        @Flag(help: "Allow attaching to several instances (io1, io2).")
        var multiAttachEnabled = false

        @Option(parsing: .upToNextOption, help: "ResourceType=volume,Tags=[{Key=K,Value=V}]")
        var tagSpecifications: [String] = []

        @Option(help: "Idempotency token: retries with the same token create one volume.")
        var clientToken: String?

        @Option(help: "Restore this snapshot into the volume (Size defaults to the snapshot's).")
        var snapshotId: String?

        func run() async throws {
            let request = CreateVolumeRequest(
                availabilityZone: availabilityZone, size: size, volumeType: volumeType, iops: iops,
                throughput: throughput, multiAttachEnabled: multiAttachEnabled ? true : nil, snapshotId: snapshotId,
                tagSpecifications: tagSpecifications.isEmpty
                    ? nil : try tagSpecifications.map(Shorthand.tagSpecification),
                clientToken: clientToken)
            try await Invocation(options: global).run(Methods.createVolume, request) { volumeTable([$0]) }
        }
    }

    struct DescribeVolumes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List volumes.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these volumes.")
        var volumeIds: [String] = []

        @Option(
            parsing: .upToNextOption,
            help: "Name=NAME,Values=V1,V2 (availability-zone, status, volume-type, volume-id, size, tag:KEY, tag-key).")
        var filters: [String] = []

        @Option(help: "Page size (5 to 500).")
        var maxResults: Int?

        @Option(help: "The NextToken of the previous page.")
        var nextToken: String?

        func run() async throws {
            let request = DescribeVolumesRequest(
                volumeIds: volumeIds.isEmpty ? nil : volumeIds,
                filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter), maxResults: maxResults,
                nextToken: nextToken)
            try await Invocation(options: global).run(Methods.describeVolumes, request) { result in
                var table = volumeTable(result.volumes)
                if let next = result.nextToken { table.rows.append(["next-token: \(next)"]) }
                return table
            }
        }
    }

    struct DeleteVolume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a volume that is not attached.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The volume to delete.")
        var volumeId: String

        func run() async throws {
            try await Invocation(options: global).run(Methods.deleteVolume, DeleteVolumeRequest(volumeId: volumeId)) {
                _ in
                Table(headers: ["DELETED"], rows: [[volumeId]])
            }
        }
    }

    struct ModifyVolume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grow a volume or change its type, IOPS or throughput.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The volume to modify.")
        var volumeId: String

        @Option(help: "New size in GiB (only larger).")
        var size: Int?

        @Option(help: "New volume type.")
        var volumeType: String?

        @Option(help: "New provisioned IOPS.")
        var iops: Int?

        @Option(help: "New throughput in MiB/s.")
        var throughput: Int?

        func run() async throws {
            let request = ModifyVolumeRequest(
                volumeId: volumeId, size: size, volumeType: volumeType, iops: iops, throughput: throughput)
            try await Invocation(options: global).run(Methods.modifyVolume, request) { result in
                modificationTable([result.volumeModification])
            }
        }
    }

    struct DescribeVolumesModifications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the most recent modification of each volume.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these volumes.")
        var volumeIds: [String] = []

        @Option(
            parsing: .upToNextOption,
            help: "Name=NAME,Values=V1,V2 (modification-state, volume-id, target-size, target-volume-type, ...).")
        var filters: [String] = []

        func run() async throws {
            let request = DescribeVolumesModificationsRequest(
                volumeIds: volumeIds.isEmpty ? nil : volumeIds,
                filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter))
            try await Invocation(options: global).run(Methods.describeVolumesModifications, request) { result in
                modificationTable(result.volumesModifications)
            }
        }
    }

    struct DescribeVolumeStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show whether each volume's replicas are healthy.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these volumes.")
        var volumeIds: [String] = []

        @Option(parsing: .upToNextOption, help: "Name=NAME,Values=V1,V2 (availability-zone, volume-status.status).")
        var filters: [String] = []

        func run() async throws {
            let request = DescribeVolumeStatusRequest(
                volumeIds: volumeIds.isEmpty ? nil : volumeIds,
                filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter))
            try await Invocation(options: global).run(Methods.describeVolumeStatus, request) { result in
                Table(
                    headers: ["VOLUME-ID", "ZONE", "STATUS", "DETAILS"],
                    rows: result.volumeStatuses.map { item in
                        [
                            item.volumeId, item.availabilityZone, item.volumeStatus.status,
                            item.volumeStatus.details.map { "\($0.name)=\($0.status)" }.joined(separator: ","),
                        ]
                    })
            }
        }
    }
}
