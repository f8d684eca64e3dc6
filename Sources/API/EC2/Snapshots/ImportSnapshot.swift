import Foundation

/// `ec2.ImportSnapshot`: a snapshot made of a raw disk image that is an S3 object (`DiskContainer.UserBucket`),
/// as AWS's VM Import takes one. Only the `RAW` format is read.
public struct ImportSnapshotRequest: Codable, Sendable {
    public var description: String?
    public var diskContainer: SnapshotDiskContainer

    public init(description: String? = nil, diskContainer: SnapshotDiskContainer) {
        self.description = description
        self.diskContainer = diskContainer
    }
}

public struct SnapshotDiskContainer: Codable, Sendable {
    public var description: String?
    /// `RAW` (AWS also names `VHD` and `VMDK`, which this cloud does not read).
    public var format: String?
    /// An HTTP(S) URL, which this cloud refuses: the image comes from S3.
    public var url: String?
    public var userBucket: UserBucket?

    public init(description: String? = nil, format: String?, url: String? = nil, userBucket: UserBucket?) {
        self.description = description
        self.format = format
        self.url = url
        self.userBucket = userBucket
    }
}

/// The S3 object a disk image is read from.
public struct UserBucket: Codable, Sendable, Equatable {
    public var s3Bucket: String
    public var s3Key: String

    public init(s3Bucket: String, s3Key: String) {
        self.s3Bucket = s3Bucket
        self.s3Key = s3Key
    }
}

/// What `ec2.ImportSnapshot` answers: the task, as DescribeImportSnapshotTasks shows it.
public typealias ImportSnapshotResult = ImportSnapshotTask

/// An import's state: `active` while the image is read, `completed` with its `SnapshotId`, or `deleted` with
/// a `StatusMessage` when it failed.
public struct SnapshotTaskDetail: Codable, Sendable, Equatable {
    public var description: String?
    /// The image's size in bytes.
    public var diskImageSize: Double?
    public var format: String?
    public var progress: String?
    public var snapshotId: String?
    public var status: String
    public var statusMessage: String?
    public var userBucket: UserBucket?

    public init(
        description: String?, diskImageSize: Double?, format: String?, progress: String?, snapshotId: String?,
        status: String, statusMessage: String?, userBucket: UserBucket?
    ) {
        self.description = description
        self.diskImageSize = diskImageSize
        self.format = format
        self.progress = progress
        self.snapshotId = snapshotId
        self.status = status
        self.statusMessage = statusMessage
        self.userBucket = userBucket
    }
}

/// `ec2.DescribeImportSnapshotTasks`: the imports named, or all of them.
public struct DescribeImportSnapshotTasksRequest: Codable, Sendable {
    public var importTaskIds: [String]?

    public init(importTaskIds: [String]? = nil) {
        self.importTaskIds = importTaskIds
    }
}

public struct DescribeImportSnapshotTasksResult: Codable, Sendable, Equatable {
    public var importSnapshotTasks: [ImportSnapshotTask]

    public init(importSnapshotTasks: [ImportSnapshotTask]) {
        self.importSnapshotTasks = importSnapshotTasks
    }
}

public struct ImportSnapshotTask: Codable, Sendable, Equatable {
    public var importTaskId: String
    public var description: String?
    public var snapshotTaskDetail: SnapshotTaskDetail

    public init(importTaskId: String, description: String?, snapshotTaskDetail: SnapshotTaskDetail) {
        self.importTaskId = importTaskId
        self.description = description
        self.snapshotTaskDetail = snapshotTaskDetail
    }
}
