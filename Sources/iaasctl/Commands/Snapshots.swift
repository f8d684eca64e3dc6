import API
import ArgumentParser
import Foundation

extension Iaasctl {
    static func snapshotTable(_ snapshots: [Snapshot]) -> Table {
        Table(
            headers: ["SNAPSHOT-ID", "VOLUME-ID", "SIZE", "STATE", "PROGRESS", "DATA", "DESCRIPTION", "TAGS"],
            rows: snapshots.map { snapshot in
                [
                    snapshot.snapshotId, snapshot.volumeId, "\(snapshot.volumeSize) GiB",
                    snapshot.state + (snapshot.stateMessage.map { " (\($0))" } ?? ""), snapshot.progress,
                    snapshot.fullSnapshotSizeInBytes.map { "\($0 >> 20) MiB" } ?? "-", snapshot.description,
                    (snapshot.tags ?? []).map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                ]
            })
    }

    struct CreateSnapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snapshot a volume into S3 (pending until its blocks are stored; the volume stays usable).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The volume to snapshot.")
        var volumeId: String

        @Option(help: "A description of up to 255 characters.")
        var description: String?

        @Option(parsing: .upToNextOption, help: "ResourceType=snapshot,Tags=[{Key=K,Value=V}]")
        var tagSpecifications: [String] = []

        func run() async throws {
            let request = CreateSnapshotRequest(
                volumeId: volumeId, description: description,
                tagSpecifications: tagSpecifications.isEmpty
                    ? nil : try tagSpecifications.map(Shorthand.tagSpecification))
            try await Invocation(options: global).run(Methods.createSnapshot, request) { snapshotTable([$0]) }
        }
    }

    struct DescribeSnapshots: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List snapshots.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these snapshots.")
        var snapshotIds: [String] = []

        @Option(parsing: .upToNextOption, help: "Only snapshots of these owners (self or an account id).")
        var ownerIds: [String] = []

        @Option(
            parsing: .upToNextOption,
            help: "Name=NAME,Values=V1,V2 (snapshot-id, volume-id, status, description, volume-size, tag:KEY, ...).")
        var filters: [String] = []

        @Option(help: "Page size (5 to 1000).")
        var maxResults: Int?

        @Option(help: "The NextToken of the previous page.")
        var nextToken: String?

        func run() async throws {
            let request = DescribeSnapshotsRequest(
                snapshotIds: snapshotIds.isEmpty ? nil : snapshotIds, ownerIds: ownerIds.isEmpty ? nil : ownerIds,
                filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter), maxResults: maxResults,
                nextToken: nextToken)
            try await Invocation(options: global).run(Methods.describeSnapshots, request) { result in
                var table = snapshotTable(result.snapshots)
                if let next = result.nextToken { table.rows.append(["next-token: \(next)"]) }
                return table
            }
        }
    }

    struct DeleteSnapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a snapshot; blocks other snapshots share are kept.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The snapshot to delete.")
        var snapshotId: String

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.deleteSnapshot, DeleteSnapshotRequest(snapshotId: snapshotId)
            ) { _ in Table(headers: ["DELETED"], rows: [[snapshotId]]) }
        }
    }

    struct CopySnapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy a snapshot, within a region or to another.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The region of the snapshot to copy.")
        var sourceRegion: String

        @Option(help: "The snapshot to copy.")
        var sourceSnapshotId: String

        @Option(help: "Where the copy goes (default: the source region).")
        var destinationRegion: String?

        @Option(help: "A description of up to 255 characters.")
        var description: String?

        func run() async throws {
            let request = CopySnapshotRequest(
                sourceRegion: sourceRegion, sourceSnapshotId: sourceSnapshotId, destinationRegion: destinationRegion,
                description: description)
            try await Invocation(options: global).run(Methods.copySnapshot, request) { result in
                Table(headers: ["SNAPSHOT-ID"], rows: [[result.snapshotId]])
            }
        }
    }
}

extension Iaasctl {
    static func importTaskTable(_ tasks: [ImportSnapshotTask]) -> Table {
        Table(
            headers: ["IMPORT-TASK-ID", "STATUS", "PROGRESS", "SNAPSHOT-ID", "SOURCE", "SIZE", "MESSAGE"],
            rows: tasks.map { task in
                let detail = task.snapshotTaskDetail
                return [
                    task.importTaskId, detail.status, detail.progress.map { "\($0)%" } ?? "-",
                    detail.snapshotId ?? "-",
                    detail.userBucket.map { "s3://\($0.s3Bucket)/\($0.s3Key)" } ?? "-",
                    detail.diskImageSize.map { "\(Int64($0) >> 20) MiB" } ?? "-", detail.statusMessage ?? "",
                ]
            })
    }

    struct ImportSnapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a snapshot of a raw disk image in S3 (then register-image or create-volume from it).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Format=RAW,UserBucket={S3Bucket=BUCKET,S3Key=KEY} (or the same as JSON).")
        var diskContainer: String

        @Option(help: "A description of up to 255 characters.")
        var description: String?

        func run() async throws {
            let request = ImportSnapshotRequest(
                description: description, diskContainer: try Shorthand.diskContainer(diskContainer))
            try await Invocation(options: global).run(Methods.importSnapshot, request) { importTaskTable([$0]) }
        }
    }

    struct DescribeImportSnapshotTasks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List snapshot imports and how far they are.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these imports.")
        var importTaskIds: [String] = []

        func run() async throws {
            let request = DescribeImportSnapshotTasksRequest(importTaskIds: importTaskIds.isEmpty ? nil : importTaskIds)
            try await Invocation(options: global).run(Methods.describeImportSnapshotTasks, request) { result in
                importTaskTable(result.importSnapshotTasks)
            }
        }
    }
}
