import API
import Engine
import GRDB
import Store

/// How compute runs on this host: the engine, the images, what instances may use.
public struct ComputeConfiguration: Sendable {
    public var hypervisor: any Hypervisor
    public var images: ImageCatalog
    public var capacity: InstanceService.Capacity
    public var memoryDivisor: Int
    /// What `daemon.Status` says of how guests run.
    public var acceleration: AccelerationChoice
    /// How instances are networked.
    public var networking: NetworkConfiguration

    public init(
        hypervisor: any Hypervisor, images: ImageCatalog, capacity: InstanceService.Capacity = .host,
        memoryDivisor: Int = 1, acceleration: AccelerationChoice = AccelerationChoice(.tcg, reason: "the default"),
        networking: NetworkConfiguration = .user(reason: "the default")
    ) {
        self.networking = networking
        self.hypervisor = hypervisor
        self.images = images
        self.capacity = capacity
        self.memoryDivisor = memoryDivisor
        self.acceleration = acceleration
    }
}

/// The whole cloud behind the socket: its services and the method table that reaches them.
public struct Cloud: Sendable {
    public let regions: RegionService
    public let volumes: VolumeService
    public let snapshots: SnapshotService
    public let tags: TagService
    public let repairer: ReplicaRepairer
    public let queues: QueueService
    public let sweeper: MessageSweeper
    public let objects: ObjectService
    public let collector: BlobCollector
    public let scrubber: BlobScrubber
    public let instances: InstanceService
    public let machineEvents: MachineEventMonitor
    public let processor: RequestProcessor

    public init(
        database: StoreDatabase, dataDirectory: DataDirectory, catalog: RegionCatalog, info: DaemonInfo,
        repairInterval: Duration, scrubInterval: Duration = .seconds(86_400), collectInterval: Duration = .seconds(60),
        account: String = "000000000000",
        cooldowns: QueueService.Cooldowns = .init(enforced: true), compute: ComputeConfiguration? = nil
    ) {
        let regions = RegionService(catalog: catalog)
        let objects = ObjectService(
            database: database, dataDirectory: dataDirectory, catalog: catalog, account: account)
        let volumes = VolumeService(
            database: database, files: VolumeFileStore(dataDirectory: dataDirectory), catalog: catalog,
            blobs: objects.stores)
        let tags = TagService(database: database)
        let repairer = ReplicaRepairer(volumes: volumes, interval: repairInterval)
        self.regions = regions
        self.volumes = volumes
        self.tags = tags
        self.repairer = repairer
        let queues = QueueService(
            database: database, dataDirectory: dataDirectory, catalog: catalog, account: account, cooldowns: cooldowns)
        self.queues = queues
        sweeper = MessageSweeper(service: queues)
        self.objects = objects
        collector = BlobCollector(service: objects, interval: collectInterval)
        let scrubber = BlobScrubber(service: objects, interval: scrubInterval)
        self.scrubber = scrubber
        let compute =
            compute
            ?? ComputeConfiguration(
                hypervisor: QEMUDriver(runDirectory: dataDirectory.run, binary: "/usr/bin/qemu-system-x86_64"),
                images: ImageCatalog(directory: nil))
        let instances = InstanceService(
            database: database, catalog: catalog, hypervisor: compute.hypervisor, volumes: volumes,
            images: compute.images, account: account, capacity: compute.capacity,
            memoryDivisor: compute.memoryDivisor, networking: compute.networking)
        self.instances = instances
        machineEvents = MachineEventMonitor(service: instances)
        let snapshots = SnapshotService(database: database, volumes: volumes, objects: objects, quiescer: instances)
        self.snapshots = snapshots

        var router = Router()
        let acceleration = compute.acceleration
        let networking = compute.networking
        router.registerInline(Methods.status) { _ throws(CloudError) in
            let (accelerator, reason) = acceleration.current
            return DaemonStatus(
                version: DaemonInfo.version, pid: info.pid,
                uptimeSeconds: (ContinuousClock.now - info.startedAt).totalSeconds,
                dataDirectory: info.dataDirectory, socketPath: info.socketPath, regions: catalog.regions.count,
                availabilityZones: catalog.zones.count, volumes: volumes.volumeCount,
                lostAndFoundFiles: volumes.lostAndFoundFiles.value, acceleration: accelerator.rawValue,
                accelerationReason: reason, httpEndpoint: info.httpEndpoint.current,
                networkMode: networking.mode.rawValue, networkModeReason: networking.reason
            )
        }
        router.register(Methods.scrub) { _ throws(CloudError) in await scrubber.scrub() }
        router.registerInline(Methods.describeRegions) { request throws(CloudError) in
            try regions.describeRegions(request)
        }
        router.registerInline(Methods.describeAvailabilityZones) { request throws(CloudError) in
            try regions.describeAvailabilityZones(request)
        }
        router.register(Methods.createVolume) { request throws(CloudError) in try await volumes.createVolume(request) }
        router.register(Methods.describeVolumes) { request throws(CloudError) in
            try await volumes.describeVolumes(request)
        }
        router.register(Methods.deleteVolume) { request throws(CloudError) in try await volumes.deleteVolume(request) }
        router.register(Methods.modifyVolume) { request throws(CloudError) in try await volumes.modifyVolume(request) }
        router.register(Methods.describeVolumesModifications) { request throws(CloudError) in
            try await volumes.describeVolumesModifications(request)
        }
        router.register(Methods.describeVolumeStatus) { request throws(CloudError) in
            try await volumes.describeVolumeStatus(request, repairer: repairer)
        }
        router.register(Methods.createSnapshot) { request throws(CloudError) in
            try await snapshots.createSnapshot(request)
        }
        router.register(Methods.describeSnapshots) { request throws(CloudError) in
            try await snapshots.describeSnapshots(request)
        }
        router.register(Methods.deleteSnapshot) { request throws(CloudError) in
            try await snapshots.deleteSnapshot(request)
        }
        router.register(Methods.copySnapshot) { request throws(CloudError) in
            try await snapshots.copySnapshot(request)
        }
        router.register(Methods.importSnapshot) { request throws(CloudError) in
            try await snapshots.importSnapshot(request)
        }
        router.register(Methods.describeImportSnapshotTasks) { request throws(CloudError) in
            try await snapshots.describeImportSnapshotTasks(request)
        }
        router.register(Methods.createImage) { request throws(CloudError) in
            try await instances.createImage(request, snapshots: snapshots)
        }
        router.register(Methods.registerImage) { request throws(CloudError) in
            try await instances.registerImage(request, objects: objects)
        }
        router.register(Methods.deregisterImage) { request throws(CloudError) in
            try await instances.deregisterImage(request)
        }
        router.register(Methods.createTags) { request throws(CloudError) in try await tags.createTags(request) }
        router.register(Methods.deleteTags) { request throws(CloudError) in try await tags.deleteTags(request) }
        router.register(Methods.describeTags) { request throws(CloudError) in try await tags.describeTags(request) }
        Self.registerQueues(queues, in: &router)
        Self.registerObjects(objects, in: &router)
        Self.registerInstances(instances, in: &router)
        processor = RequestProcessor(router: router)
    }

    private static func registerInstances(_ instances: InstanceService, in router: inout Router) {
        router.register(Methods.runInstances) { request throws(CloudError) in try await instances.runInstances(request)
        }
        router.register(Methods.describeInstances) { request throws(CloudError) in
            try await instances.describeInstances(request)
        }
        router.register(Methods.startInstances) { request throws(CloudError) in
            try await instances.startInstances(request)
        }
        router.register(Methods.stopInstances) { request throws(CloudError) in
            try await instances.stopInstances(request)
        }
        router.register(Methods.rebootInstances) { request throws(CloudError) in
            try await instances.rebootInstances(request)
        }
        router.register(Methods.terminateInstances) { request throws(CloudError) in
            try await instances.terminateInstances(request)
        }
        router.register(Methods.describeInstanceStatus) { request throws(CloudError) in
            try await instances.describeInstanceStatus(request)
        }
        router.register(Methods.getConsoleOutput) { request throws(CloudError) in
            try await instances.getConsoleOutput(request)
        }
        router.register(Methods.describeInstanceStats) { request throws(CloudError) in
            try await instances.describeInstanceStats(request)
        }
        router.register(Methods.attachVolume) { request throws(CloudError) in try await instances.attachVolume(request)
        }
        router.register(Methods.detachVolume) { request throws(CloudError) in try await instances.detachVolume(request)
        }
        router.register(Methods.createSecurityGroup) { request throws(CloudError) in
            try await instances.createSecurityGroup(request)
        }
        router.register(Methods.deleteSecurityGroup) { request throws(CloudError) in
            try await instances.deleteSecurityGroup(request)
        }
        router.register(Methods.describeSecurityGroups) { request throws(CloudError) in
            try await instances.describeSecurityGroups(request)
        }
        router.register(Methods.authorizeSecurityGroupIngress) { request throws(CloudError) in
            try await instances.authorizeSecurityGroupIngress(request)
        }
        router.register(Methods.authorizeSecurityGroupEgress) { request throws(CloudError) in
            try await instances.authorizeSecurityGroupEgress(request)
        }
        router.register(Methods.revokeSecurityGroupIngress) { request throws(CloudError) in
            try await instances.revokeSecurityGroupIngress(request)
        }
        router.register(Methods.revokeSecurityGroupEgress) { request throws(CloudError) in
            try await instances.revokeSecurityGroupEgress(request)
        }
        router.register(Methods.modifyInstanceAttribute) { request throws(CloudError) in
            try await instances.modifyInstanceAttribute(request)
        }
        router.register(Methods.allocateAddress) { request throws(CloudError) in
            try await instances.allocateAddress(request)
        }
        router.register(Methods.associateAddress) { request throws(CloudError) in
            try await instances.associateAddress(request)
        }
        router.register(Methods.disassociateAddress) { request throws(CloudError) in
            try await instances.disassociateAddress(request)
        }
        router.register(Methods.releaseAddress) { request throws(CloudError) in
            try await instances.releaseAddress(request)
        }
        router.register(Methods.describeAddresses) { request throws(CloudError) in
            try await instances.describeAddresses(request)
        }
        router.register(Methods.describeImages) { request throws(CloudError) in
            try await instances.describeImages(request)
        }
        router.registerInline(Methods.describeInstanceTypes) { request throws(CloudError) in
            try instances.describeInstanceTypes(request)
        }
    }

    private static func registerObjects(_ objects: ObjectService, in router: inout Router) {
        router.register(Methods.createBucket) { request throws(CloudError) in try await objects.createBucket(request) }
        router.register(Methods.deleteBucket) { request throws(CloudError) in try await objects.deleteBucket(request) }
        router.register(Methods.headBucket) { request throws(CloudError) in try await objects.headBucket(request) }
        router.register(Methods.getBucketLocation) { request throws(CloudError) in
            try await objects.getBucketLocation(request)
        }
        router.register(Methods.listBuckets) { (_: NoParams) throws(CloudError) in try await objects.listBuckets() }
        router.register(Methods.putObject, payloadLimit: ObjectService.maxPutSize) {
            request, body throws(CloudError) in try await objects.putObject(request, body: body)
        }
        router.register(Methods.getObject) { request throws(CloudError) in try await objects.getObject(request) }
        router.register(Methods.headObject) { request throws(CloudError) in try await objects.headObject(request) }
        router.register(Methods.deleteObject) { request throws(CloudError) in try await objects.deleteObject(request) }
        router.register(Methods.putObjectTagging) { request throws(CloudError) in
            try await objects.putObjectTagging(request)
        }
        router.register(Methods.getObjectTagging) { request throws(CloudError) in
            try await objects.getObjectTagging(request)
        }
        router.register(Methods.deleteObjectTagging) { request throws(CloudError) in
            try await objects.deleteObjectTagging(request)
        }
        router.register(Methods.putBucketVersioning) { request throws(CloudError) in
            try await objects.putBucketVersioning(request)
        }
        router.register(Methods.getBucketVersioning) { request throws(CloudError) in
            try await objects.getBucketVersioning(request)
        }
        router.register(Methods.listObjectVersions) { request throws(CloudError) in
            try await objects.listObjectVersions(request)
        }
        router.register(Methods.listObjectsV2) { request throws(CloudError) in
            try await objects.listObjectsV2(request)
        }
        router.register(Methods.copyObject) { request throws(CloudError) in try await objects.copyObject(request) }
        router.register(Methods.deleteObjects) { request throws(CloudError) in
            try await objects.deleteObjects(request)
        }
        router.register(Methods.createMultipartUpload) { request throws(CloudError) in
            try await objects.createMultipartUpload(request)
        }
        router.register(Methods.uploadPart, payloadLimit: ObjectService.maxPutSize) {
            request, body throws(CloudError) in try await objects.uploadPart(request, body: body)
        }
        router.register(Methods.uploadPartCopy) { request throws(CloudError) in
            try await objects.uploadPartCopy(request)
        }
        router.register(Methods.completeMultipartUpload) { request throws(CloudError) in
            try await objects.completeMultipartUpload(request)
        }
        router.register(Methods.abortMultipartUpload) { request throws(CloudError) in
            try await objects.abortMultipartUpload(request)
        }
        router.register(Methods.listParts) { request throws(CloudError) in try await objects.listParts(request) }
        router.register(Methods.listMultipartUploads) { request throws(CloudError) in
            try await objects.listMultipartUploads(request)
        }
    }

    private static func registerQueues(_ queues: QueueService, in router: inout Router) {
        router.register(Methods.createQueue) { request throws(CloudError) in try await queues.createQueue(request) }
        router.register(Methods.getQueueUrl) { request throws(CloudError) in try await queues.getQueueUrl(request) }
        router.register(Methods.listQueues) { request throws(CloudError) in try await queues.listQueues(request) }
        router.register(Methods.getQueueAttributes) { request throws(CloudError) in
            try await queues.getQueueAttributes(request)
        }
        router.register(Methods.setQueueAttributes) { request throws(CloudError) in
            try await queues.setQueueAttributes(request)
        }
        router.register(Methods.deleteQueue) { request throws(CloudError) in try await queues.deleteQueue(request) }
        router.register(Methods.purgeQueue) { request throws(CloudError) in try await queues.purgeQueue(request) }
        router.register(Methods.sendMessage) { request throws(CloudError) in try await queues.sendMessage(request) }
        router.register(Methods.sendMessageBatch) { request throws(CloudError) in
            try await queues.sendMessageBatch(request)
        }
        router.register(Methods.receiveMessage) { request throws(CloudError) in
            try await queues.receiveMessage(request)
        }
        router.register(Methods.deleteMessage) { request throws(CloudError) in try await queues.deleteMessage(request) }
        router.register(Methods.deleteMessageBatch) { request throws(CloudError) in
            try await queues.deleteMessageBatch(request)
        }
        router.register(Methods.changeMessageVisibility) { request throws(CloudError) in
            try await queues.changeMessageVisibility(request)
        }
        router.register(Methods.changeMessageVisibilityBatch) { request throws(CloudError) in
            try await queues.changeMessageVisibilityBatch(request)
        }
        router.register(Methods.listDeadLetterSourceQueues) { request throws(CloudError) in
            try await queues.listDeadLetterSourceQueues(request)
        }
        router.register(Methods.startMessageMoveTask) { request throws(CloudError) in
            try await queues.startMessageMoveTask(request)
        }
        router.register(Methods.listMessageMoveTasks) { request throws(CloudError) in
            try await queues.listMessageMoveTasks(request)
        }
        router.register(Methods.cancelMessageMoveTask) { request throws(CloudError) in
            try await queues.cancelMessageMoveTask(request)
        }
        router.register(Methods.tagQueue) { request throws(CloudError) in try await queues.tagQueue(request) }
        router.register(Methods.untagQueue) { request throws(CloudError) in try await queues.untagQueue(request) }
        router.register(Methods.listQueueTags) { request throws(CloudError) in try await queues.listQueueTags(request) }
        router.register(Methods.peekMessages) { request throws(CloudError) in try await queues.peekMessages(request) }
    }
}
