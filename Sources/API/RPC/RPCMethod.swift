/// A method of the API with its parameter and result types, so that the daemon's handlers and the client's
/// calls agree at compile time on what travels.
public struct RPCMethod<Params: Codable & Sendable, Result: Codable & Sendable>: Sendable {
    /// The wire name, `service.Action`.
    public let name: String

    public init(_ name: String) {
        self.name = name
    }
}

/// Parameters of a method that takes none.
public struct NoParams: Codable, Sendable, Equatable {
    public init() {}

    // Written out so that decoding opens the (empty) object: a strict decoder then sees any member in it as
    // unknown, where the synthesized conformance would not look at the params at all.
    private enum NoKeys: CodingKey {}

    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: NoKeys.self)
    }

    public func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: NoKeys.self)
    }
}

/// The result of an action AWS answers with a bare `true` (`DeleteVolume`, `CreateTags`, ...).
public struct ReturnResult: Codable, Sendable, Equatable {
    public var `return`: Bool

    public init(_ value: Bool = true) {
        self.return = value
    }
}

/// Every method of the API, by service.
public enum Methods {
    public static let status = RPCMethod<NoParams, DaemonStatus>("daemon.Status")
    public static let scrub = RPCMethod<NoParams, ScrubResult>("daemon.Scrub")

    public static let describeRegions = RPCMethod<DescribeRegionsRequest, DescribeRegionsResult>("ec2.DescribeRegions")
    public static let describeAvailabilityZones = RPCMethod<
        DescribeAvailabilityZonesRequest, DescribeAvailabilityZonesResult
    >("ec2.DescribeAvailabilityZones")

    public static let createVolume = RPCMethod<CreateVolumeRequest, Volume>("ec2.CreateVolume")
    public static let describeVolumes = RPCMethod<DescribeVolumesRequest, DescribeVolumesResult>("ec2.DescribeVolumes")
    public static let deleteVolume = RPCMethod<DeleteVolumeRequest, ReturnResult>("ec2.DeleteVolume")
    public static let modifyVolume = RPCMethod<ModifyVolumeRequest, ModifyVolumeResult>("ec2.ModifyVolume")
    public static let describeVolumesModifications = RPCMethod<
        DescribeVolumesModificationsRequest, DescribeVolumesModificationsResult
    >("ec2.DescribeVolumesModifications")
    public static let describeVolumeStatus = RPCMethod<DescribeVolumeStatusRequest, DescribeVolumeStatusResult>(
        "ec2.DescribeVolumeStatus"
    )

    public static let createSnapshot = RPCMethod<CreateSnapshotRequest, Snapshot>("ec2.CreateSnapshot")
    public static let describeSnapshots = RPCMethod<DescribeSnapshotsRequest, DescribeSnapshotsResult>(
        "ec2.DescribeSnapshots")
    public static let deleteSnapshot = RPCMethod<DeleteSnapshotRequest, ReturnResult>("ec2.DeleteSnapshot")
    public static let copySnapshot = RPCMethod<CopySnapshotRequest, CopySnapshotResult>("ec2.CopySnapshot")
    public static let importSnapshot = RPCMethod<ImportSnapshotRequest, ImportSnapshotResult>("ec2.ImportSnapshot")
    public static let describeImportSnapshotTasks = RPCMethod<
        DescribeImportSnapshotTasksRequest, DescribeImportSnapshotTasksResult
    >("ec2.DescribeImportSnapshotTasks")

    public static let createImage = RPCMethod<CreateImageRequest, ImageIdResult>("ec2.CreateImage")
    public static let registerImage = RPCMethod<RegisterImageRequest, ImageIdResult>("ec2.RegisterImage")
    public static let deregisterImage = RPCMethod<DeregisterImageRequest, ReturnResult>("ec2.DeregisterImage")

    public static let attachVolume = RPCMethod<AttachVolumeRequest, VolumeAttachment>("ec2.AttachVolume")
    public static let detachVolume = RPCMethod<DetachVolumeRequest, VolumeAttachment>("ec2.DetachVolume")
    public static let allocateAddress = RPCMethod<AllocateAddressRequest, AllocateAddressResult>(
        "ec2.AllocateAddress")
    public static let associateAddress = RPCMethod<AssociateAddressRequest, AssociateAddressResult>(
        "ec2.AssociateAddress")
    public static let disassociateAddress = RPCMethod<DisassociateAddressRequest, ReturnResult>(
        "ec2.DisassociateAddress")
    public static let releaseAddress = RPCMethod<ReleaseAddressRequest, ReturnResult>("ec2.ReleaseAddress")
    public static let describeAddresses = RPCMethod<DescribeAddressesRequest, DescribeAddressesResult>(
        "ec2.DescribeAddresses")
    public static let createSecurityGroup = RPCMethod<CreateSecurityGroupRequest, CreateSecurityGroupResult>(
        "ec2.CreateSecurityGroup")
    public static let deleteSecurityGroup = RPCMethod<DeleteSecurityGroupRequest, DeleteSecurityGroupResult>(
        "ec2.DeleteSecurityGroup")
    public static let describeSecurityGroups = RPCMethod<
        DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult
    >("ec2.DescribeSecurityGroups")
    public static let authorizeSecurityGroupIngress = RPCMethod<
        SecurityGroupPermissionsRequest, AuthorizeSecurityGroupResult
    >("ec2.AuthorizeSecurityGroupIngress")
    public static let authorizeSecurityGroupEgress = RPCMethod<
        SecurityGroupPermissionsRequest, AuthorizeSecurityGroupResult
    >("ec2.AuthorizeSecurityGroupEgress")
    public static let revokeSecurityGroupIngress = RPCMethod<
        SecurityGroupPermissionsRequest, RevokeSecurityGroupResult
    >("ec2.RevokeSecurityGroupIngress")
    public static let revokeSecurityGroupEgress = RPCMethod<SecurityGroupPermissionsRequest, RevokeSecurityGroupResult>(
        "ec2.RevokeSecurityGroupEgress")
    public static let modifyInstanceAttribute = RPCMethod<ModifyInstanceAttributeRequest, ReturnResult>(
        "ec2.ModifyInstanceAttribute")
    public static let runInstances = RPCMethod<RunInstancesRequest, Reservation>("ec2.RunInstances")
    public static let describeInstances = RPCMethod<DescribeInstancesRequest, DescribeInstancesResult>(
        "ec2.DescribeInstances")
    public static let startInstances = RPCMethod<InstanceIdsRequest, StartInstancesResult>("ec2.StartInstances")
    public static let stopInstances = RPCMethod<StopInstancesRequest, StopInstancesResult>("ec2.StopInstances")
    public static let rebootInstances = RPCMethod<InstanceIdsRequest, ReturnResult>("ec2.RebootInstances")
    public static let terminateInstances = RPCMethod<InstanceIdsRequest, TerminateInstancesResult>(
        "ec2.TerminateInstances")
    public static let describeInstanceStatus = RPCMethod<
        DescribeInstanceStatusRequest, DescribeInstanceStatusResult
    >("ec2.DescribeInstanceStatus")
    public static let getConsoleOutput = RPCMethod<GetConsoleOutputRequest, GetConsoleOutputResult>(
        "ec2.GetConsoleOutput")
    public static let describeImages = RPCMethod<DescribeImagesRequest, DescribeImagesResult>("ec2.DescribeImages")
    /// Our own: the classic VMM's counters for an instance.
    public static let describeInstanceStats = RPCMethod<DescribeInstanceStatsRequest, DescribeInstanceStatsResult>(
        "vmm.DescribeInstanceStats")
    public static let describeInstanceTypes = RPCMethod<DescribeInstanceTypesRequest, DescribeInstanceTypesResult>(
        "ec2.DescribeInstanceTypes")
    public static let createTags = RPCMethod<CreateTagsRequest, ReturnResult>("ec2.CreateTags")
    public static let deleteTags = RPCMethod<DeleteTagsRequest, ReturnResult>("ec2.DeleteTags")
    public static let describeTags = RPCMethod<DescribeTagsRequest, DescribeTagsResult>("ec2.DescribeTags")

    public static let createBucket = RPCMethod<CreateBucketRequest, CreateBucketResult>("s3.CreateBucket")
    public static let deleteBucket = RPCMethod<BucketRequest, EmptyResult>("s3.DeleteBucket")
    public static let headBucket = RPCMethod<BucketRequest, HeadBucketResult>("s3.HeadBucket")
    public static let getBucketLocation = RPCMethod<BucketRequest, GetBucketLocationResult>("s3.GetBucketLocation")
    public static let listBuckets = RPCMethod<NoParams, ListBucketsResult>("s3.ListBuckets")
    public static let putObject = RPCMethod<PutObjectRequest, PutObjectResult>("s3.PutObject")
    public static let getObject = RPCMethod<GetObjectRequest, GetObjectResult>("s3.GetObject")
    public static let headObject = RPCMethod<GetObjectRequest, GetObjectResult>("s3.HeadObject")
    public static let deleteObject = RPCMethod<ObjectRequest, DeleteObjectResult>("s3.DeleteObject")
    public static let putObjectTagging = RPCMethod<PutObjectTaggingRequest, ObjectTaggingResult>(
        "s3.PutObjectTagging")
    public static let getObjectTagging = RPCMethod<ObjectRequest, GetObjectTaggingResult>("s3.GetObjectTagging")
    public static let deleteObjectTagging = RPCMethod<ObjectRequest, ObjectTaggingResult>(
        "s3.DeleteObjectTagging")
    public static let putBucketVersioning = RPCMethod<PutBucketVersioningRequest, EmptyResult>(
        "s3.PutBucketVersioning")
    public static let getBucketVersioning = RPCMethod<BucketRequest, GetBucketVersioningResult>(
        "s3.GetBucketVersioning")
    public static let listObjectVersions = RPCMethod<ListObjectVersionsRequest, ListObjectVersionsResult>(
        "s3.ListObjectVersions")
    public static let listObjectsV2 = RPCMethod<ListObjectsV2Request, ListObjectsV2Result>("s3.ListObjectsV2")
    public static let copyObject = RPCMethod<CopyObjectRequest, CopyObjectResult>("s3.CopyObject")
    public static let deleteObjects = RPCMethod<DeleteObjectsRequest, DeleteObjectsResult>("s3.DeleteObjects")
    public static let createMultipartUpload = RPCMethod<CreateMultipartUploadRequest, CreateMultipartUploadResult>(
        "s3.CreateMultipartUpload")
    public static let uploadPart = RPCMethod<UploadPartRequest, UploadPartResult>("s3.UploadPart")
    public static let uploadPartCopy = RPCMethod<UploadPartCopyRequest, UploadPartCopyResult>("s3.UploadPartCopy")
    public static let completeMultipartUpload = RPCMethod<
        CompleteMultipartUploadRequest, CompleteMultipartUploadResult
    >("s3.CompleteMultipartUpload")
    public static let abortMultipartUpload = RPCMethod<UploadRequest, EmptyResult>("s3.AbortMultipartUpload")
    public static let listParts = RPCMethod<ListPartsRequest, ListPartsResult>("s3.ListParts")
    public static let listMultipartUploads = RPCMethod<ListMultipartUploadsRequest, ListMultipartUploadsResult>(
        "s3.ListMultipartUploads")

    public static let createQueue = RPCMethod<CreateQueueRequest, QueueUrlResult>("sqs.CreateQueue")
    public static let getQueueUrl = RPCMethod<GetQueueUrlRequest, QueueUrlResult>("sqs.GetQueueUrl")
    public static let listQueues = RPCMethod<ListQueuesRequest, ListQueuesResult>("sqs.ListQueues")
    public static let getQueueAttributes = RPCMethod<GetQueueAttributesRequest, GetQueueAttributesResult>(
        "sqs.GetQueueAttributes")
    public static let setQueueAttributes = RPCMethod<SetQueueAttributesRequest, EmptyResult>("sqs.SetQueueAttributes")
    public static let deleteQueue = RPCMethod<QueueRequest, EmptyResult>("sqs.DeleteQueue")
    public static let purgeQueue = RPCMethod<QueueRequest, EmptyResult>("sqs.PurgeQueue")
    public static let sendMessage = RPCMethod<SendMessageRequest, SendMessageResult>("sqs.SendMessage")
    public static let sendMessageBatch = RPCMethod<SendMessageBatchRequest, SendMessageBatchResult>(
        "sqs.SendMessageBatch")
    public static let receiveMessage = RPCMethod<ReceiveMessageRequest, ReceiveMessageResult>("sqs.ReceiveMessage")
    public static let deleteMessage = RPCMethod<DeleteMessageRequest, EmptyResult>("sqs.DeleteMessage")
    public static let deleteMessageBatch = RPCMethod<DeleteMessageBatchRequest, BatchResult>("sqs.DeleteMessageBatch")
    public static let changeMessageVisibility = RPCMethod<ChangeMessageVisibilityRequest, EmptyResult>(
        "sqs.ChangeMessageVisibility")
    public static let listDeadLetterSourceQueues = RPCMethod<
        ListDeadLetterSourceQueuesRequest, ListDeadLetterSourceQueuesResult
    >("sqs.ListDeadLetterSourceQueues")
    public static let startMessageMoveTask = RPCMethod<StartMessageMoveTaskRequest, StartMessageMoveTaskResult>(
        "sqs.StartMessageMoveTask")
    public static let listMessageMoveTasks = RPCMethod<ListMessageMoveTasksRequest, ListMessageMoveTasksResult>(
        "sqs.ListMessageMoveTasks")
    public static let cancelMessageMoveTask = RPCMethod<CancelMessageMoveTaskRequest, CancelMessageMoveTaskResult>(
        "sqs.CancelMessageMoveTask")
    public static let tagQueue = RPCMethod<TagQueueRequest, EmptyResult>("sqs.TagQueue")
    public static let untagQueue = RPCMethod<UntagQueueRequest, EmptyResult>("sqs.UntagQueue")
    public static let listQueueTags = RPCMethod<QueueRequest, ListQueueTagsResult>("sqs.ListQueueTags")
    /// Not an AWS action: see `PeekMessagesRequest`.
    public static let peekMessages = RPCMethod<PeekMessagesRequest, PeekMessagesResult>("sqs.PeekMessages")
    public static let changeMessageVisibilityBatch = RPCMethod<ChangeMessageVisibilityBatchRequest, BatchResult>(
        "sqs.ChangeMessageVisibilityBatch")
}
