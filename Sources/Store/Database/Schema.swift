import GRDB

/// The named, ordered migrations of the control-plane schema. Each runs once, in its own transaction.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-volumes-tags") { db in
            try db.create(table: VolumeRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("zone", .text).notNull().indexed()
                t.column("sizeGiB", .integer).notNull()
                t.column("volumeType", .text).notNull()
                t.column("iops", .integer)
                t.column("throughput", .integer)
                t.column("state", .text).notNull().indexed()
                t.column("createTime", .datetime).notNull()
                t.column("encrypted", .boolean).notNull()
                t.column("multiAttachEnabled", .boolean).notNull()
                t.column("snapshotId", .text)
                t.column("clientToken", .text).unique()
            }
            try db.create(table: VolumeModificationRecord.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo(VolumeRecord.databaseTableName, onDelete: .cascade).notNull()
                t.column("state", .text).notNull()
                t.column("targetSizeGiB", .integer).notNull()
                t.column("targetVolumeType", .text).notNull()
                t.column("targetIops", .integer)
                t.column("targetThroughput", .integer)
                t.column("targetMultiAttachEnabled", .boolean).notNull()
                t.column("originalSizeGiB", .integer).notNull()
                t.column("originalVolumeType", .text).notNull()
                t.column("originalIops", .integer)
                t.column("originalThroughput", .integer)
                t.column("startTime", .datetime).notNull()
                t.column("endTime", .datetime)
            }
            try db.create(table: TagRecord.databaseTableName) { t in
                t.column("resourceId", .text).notNull()
                t.column("resourceType", .text).notNull()
                t.column("key", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["resourceId", "key"])
            }
            try db.create(index: "tag_on_key", on: TagRecord.databaseTableName, columns: ["key"])
        }
        migrator.registerMigration("v2-queues") { db in
            try db.create(table: QueueRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("region", .text).notNull()
                t.column("name", .text).notNull()
                t.column("attributes", .blob).notNull()
                t.column("createdAt", .double).notNull()
                t.column("lastModifiedAt", .double).notNull()
                t.column("state", .text).notNull()
                t.column("deletedAt", .double)
                t.column("purgedAt", .double)
                t.column("purgeDone", .boolean).notNull()
                t.column("purgeSequence", .integer)
            }
            try db.create(
                index: "queue_on_region_name", on: QueueRecord.databaseTableName, columns: ["region", "name"])
        }
        migrator.registerMigration("v3-message-move-tasks") { db in
            try db.create(table: MessageMoveTaskRecord.databaseTableName) { t in
                t.primaryKey("handle", .text)
                t.column("sourceArn", .text).notNull()
                t.column("destinationArn", .text)
                t.column("rate", .integer)
                t.column("status", .text).notNull()
                t.column("moved", .integer).notNull()
                t.column("toMove", .integer).notNull()
                t.column("failureReason", .text)
                t.column("startedAt", .double).notNull()
            }
            try db.create(
                index: "messageMoveTask_on_source", on: MessageMoveTaskRecord.databaseTableName,
                columns: ["sourceArn", "startedAt"])
        }
        migrator.registerMigration("v4-compute") { db in
            try db.create(table: ImageRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("description", .text).notNull()
                t.column("ownerId", .text).notNull()
                t.column("state", .text).notNull()
                t.column("kernelPath", .text).notNull()
                t.column("initrdPath", .text)
                t.column("rootDiskPath", .text).notNull()
                t.column("rootSizeGiB", .integer).notNull()
                t.column("creationDate", .datetime).notNull()
                t.column("builtIn", .boolean).notNull()
            }
            try db.create(table: InstanceRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("reservationId", .text).notNull()
                t.column("imageId", .text).notNull()
                t.column("instanceType", .text).notNull()
                t.column("zone", .text).notNull()
                t.column("state", .text).notNull()
                t.column("privateIp", .text).notNull()
                t.column("macAddress", .text).notNull()
                t.column("publicIp", .text)
                t.column("lastPublicIp", .text)
                t.column("launchTime", .datetime).notNull()
                t.column("launchIndex", .integer).notNull()
                t.column("rootVolumeId", .text).notNull()
                t.column("userData", .blob)
                t.column("clientToken", .text)
                t.column("stateTransitionReason", .text)
                t.column("stateReasonCode", .text)
                t.column("stateReasonMessage", .text)
                t.column("terminatedAt", .datetime)
            }
            // An address belongs to one live instance at a time.
            try db.execute(
                sql: "CREATE UNIQUE INDEX instance_private_ip ON instance(zone, privateIp) WHERE state != 'terminated'")
            try db.execute(
                sql: "CREATE UNIQUE INDEX instance_public_ip ON instance(publicIp) WHERE publicIp IS NOT NULL")
            try db.create(
                index: "instance_on_client_token", on: InstanceRecord.databaseTableName, columns: ["clientToken"])
            try db.create(table: VolumeAttachmentRecord.databaseTableName) { t in
                t.primaryKey("volumeId", .text)
                t.column("instanceId", .text).notNull()
                t.column("device", .text).notNull()
                t.column("state", .text).notNull()
                t.column("attachTime", .datetime).notNull()
                t.column("deleteOnTermination", .boolean).notNull()
            }
            try db.create(
                index: "volumeAttachment_on_instance", on: VolumeAttachmentRecord.databaseTableName,
                columns: ["instanceId"])
        }
        migrator.registerMigration("v5-addresses") { db in
            try db.create(table: AddressRecord.databaseTableName) { t in
                t.primaryKey("allocationId", .text)
                t.column("publicIp", .text).notNull().unique()
                t.column("associationId", .text).unique()
                t.column("instanceId", .text).unique()
                t.column("allocatedAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v6-loopback-ports") { db in
            try db.alter(table: InstanceRecord.databaseTableName) { t in t.add(column: "loopbackHttpPort", .integer) }
        }
        migrator.registerMigration("v7-s3") { db in
            try db.create(table: BucketRecord.databaseTableName) { t in
                t.primaryKey("name", .text)
                t.column("region", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: ObjectRecord.databaseTableName) { t in
                t.column("bucket", .text).notNull().references(BucketRecord.databaseTableName)
                t.column("key", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("etag", .text).notNull()
                t.column("contentType", .text).notNull()
                t.column("metadata", .text).notNull()
                t.column("lastModified", .datetime).notNull()
                t.primaryKey(["bucket", "key"])
            }
            try db.create(table: ObjectChunkRecord.databaseTableName) { t in
                t.column("bucket", .text).notNull()
                t.column("key", .text).notNull()
                t.column("index", .integer).notNull()
                // The blob collector asks whether any row still refers to a blob.
                t.column("digest", .text).notNull().indexed()
                t.column("size", .integer).notNull()
                t.primaryKey(["bucket", "key", "index"])
                t.foreignKey(["bucket", "key"], references: ObjectRecord.databaseTableName, onDelete: .cascade)
            }
        }
        migrator.registerMigration("v8-s3-multipart") { db in
            try db.create(table: MultipartUploadRecord.databaseTableName) { t in
                t.primaryKey("uploadId", .text)
                t.column("bucket", .text).notNull().references(BucketRecord.databaseTableName)
                t.column("key", .text).notNull()
                t.column("initiated", .datetime).notNull()
                t.column("contentType", .text).notNull()
                t.column("metadata", .text).notNull()
            }
            try db.create(table: UploadPartRecord.databaseTableName) { t in
                t.column("uploadId", .text).notNull()
                    .references(MultipartUploadRecord.databaseTableName, onDelete: .cascade)
                t.column("partNumber", .integer).notNull()
                t.column("size", .integer).notNull()
                t.column("etag", .text).notNull()
                t.column("lastModified", .datetime).notNull()
                t.primaryKey(["uploadId", "partNumber"])
            }
            try db.create(table: UploadPartChunkRecord.databaseTableName) { t in
                t.column("uploadId", .text).notNull()
                t.column("partNumber", .integer).notNull()
                t.column("index", .integer).notNull()
                // The blob collector asks whether any row still refers to a blob.
                t.column("digest", .text).notNull().indexed()
                t.column("size", .integer).notNull()
                t.primaryKey(["uploadId", "partNumber", "index"])
                t.foreignKey(
                    ["uploadId", "partNumber"], references: UploadPartRecord.databaseTableName, onDelete: .cascade)
            }
        }
        migrator.registerMigration("v9-snapshots") { db in
            try db.create(table: SnapshotRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("region", .text).notNull()
                t.column("volumeId", .text).notNull().indexed()
                t.column("volumeSizeGiB", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("stateMessage", .text)
                t.column("progress", .integer).notNull()
                t.column("startTime", .datetime).notNull()
                t.column("completionTime", .datetime)
                t.column("description", .text).notNull()
                t.column("ownerId", .text).notNull()
                t.column("dataBytes", .integer).notNull()
                t.column("resumable", .boolean).notNull()
                t.column("sourceSnapshotId", .text)
                t.column("sourceRegion", .text)
            }
            try db.create(table: SnapshotBlockRecord.databaseTableName) { t in
                t.column("snapshotId", .text).notNull()
                t.column("index", .integer).notNull()
                // The blob collector asks whether any row still refers to a blob.
                t.column("digest", .text).notNull().indexed()
                t.column("size", .integer).notNull()
                t.primaryKey(["snapshotId", "index"])
                t.foreignKey(["snapshotId"], references: SnapshotRecord.databaseTableName, onDelete: .cascade)
            }
        }
        migrator.registerMigration("v10-image-snapshots") { db in
            try db.alter(table: ImageRecord.databaseTableName) { t in
                t.add(column: "rootSnapshotId", .text)
            }
        }
        migrator.registerMigration("v11-s3-object-tags") { db in
            try db.create(table: ObjectTagRecord.databaseTableName) { t in
                t.column("bucket", .text).notNull()
                t.column("key", .text).notNull()
                t.column("tagKey", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["bucket", "key", "tagKey"])
                t.foreignKey(["bucket", "key"], references: ObjectRecord.databaseTableName, onDelete: .cascade)
            }
        }
        migrator.registerMigration("v12-s3-versions") { db in
            try migrateToObjectVersions(db)
        }
        migrator.registerMigration("v13-snapshot-imports") { db in
            try db.create(table: SnapshotImportRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("snapshotId", .text).notNull().indexed()
                t.column("bucket", .text).notNull()
                t.column("key", .text).notNull()
                t.column("versionId", .text).notNull()
                t.column("etag", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("format", .text).notNull()
                t.column("description", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v14-object-checksums") { db in
            try db.alter(table: ObjectRecord.databaseTableName) { t in
                t.add(column: "checksumAlgorithm", .text)
                t.add(column: "checksumValue", .text)
            }
        }
        migrator.registerMigration("v15-security-groups") { db in
            try db.create(table: SecurityGroupRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                // AWS's group names are case-insensitive: `Web` and `web` are one name.
                t.column("name", .text).notNull().collate(.nocase)
                t.column("description", .text).notNull()
                t.column("vpcId", .text).notNull()
                t.column("region", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["region", "vpcId", "name"])
            }
            try db.create(table: SecurityGroupRuleRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("groupId", .text).notNull().indexed()
                    .references(SecurityGroupRecord.databaseTableName, onDelete: .cascade)
                t.column("isEgress", .boolean).notNull()
                t.column("ipProtocol", .text).notNull()
                t.column("fromPort", .integer)
                t.column("toPort", .integer)
                t.column("cidrIpv4", .text)
                // A group a rule names cannot be deleted (DependencyViolation): no cascade.
                t.column("referencedGroupId", .text).indexed().references(SecurityGroupRecord.databaseTableName)
                t.column("description", .text)
            }
            try db.create(table: InstanceSecurityGroupRecord.databaseTableName) { t in
                t.column("instanceId", .text).notNull().references(InstanceRecord.databaseTableName, onDelete: .cascade)
                t.column("groupId", .text).notNull().indexed().references(SecurityGroupRecord.databaseTableName)
                t.column("position", .integer).notNull()
                t.primaryKey(["instanceId", "groupId"])
            }
        }
        migrator.registerMigration("v16-boot-images") { db in
            // Kernel (aki-) and ramdisk (ari-) images registered from S3, and the machine images that name them.
            try db.alter(table: ImageRecord.databaseTableName) { t in
                t.add(column: "imageType", .text).notNull().defaults(to: "machine")
                t.add(column: "imageLocation", .text)
                t.add(column: "kernelId", .text)
                t.add(column: "ramdiskId", .text)
            }
            // The kernel and initrd an instance boots, fixed at launch: a deregistered image does not strand it.
            try db.alter(table: InstanceRecord.databaseTableName) { t in
                t.add(column: "kernelPath", .text)
                t.add(column: "initrdPath", .text)
            }
        }
        migrator.registerMigration("v17-architectures") { db in
            // riscv32 machine images, which the classic engine boots.
            try db.alter(table: ImageRecord.databaseTableName) { t in
                t.add(column: "architecture", .text).notNull().defaults(to: "x86_64")
                // Instance-store-backed AMIs: their instances' root is an instance store, not a volume.
                t.add(column: "rootDeviceType", .text).notNull().defaults(to: "ebs")
            }
        }
        return migrator
    }

    /// Objects become versions: a version id (`null` for what was there), an order among the key's versions,
    /// a latest flag and delete markers; chunk and tag rows belong to a version. SQLite cannot change a
    /// primary key, so the three tables are made again and their rows copied (foreign keys are checked at
    /// the end of the migration).
    private static func migrateToObjectVersions(_ db: Database) throws {
        try db.alter(table: BucketRecord.databaseTableName) { t in t.add(column: "versioning", .text) }
        // Tags given at CreateMultipartUpload, for the object the upload completes.
        try db.alter(table: MultipartUploadRecord.databaseTableName) { t in t.add(column: "tagging", .text) }
        try db.create(table: "objectVersion") { t in
            t.column("bucket", .text).notNull().references(BucketRecord.databaseTableName)
            t.column("key", .text).notNull()
            t.column("versionId", .text).notNull()
            t.column("sequence", .integer).notNull()
            t.column("isLatest", .boolean).notNull()
            t.column("isDeleteMarker", .boolean).notNull()
            t.column("size", .integer).notNull()
            t.column("etag", .text).notNull()
            t.column("contentType", .text).notNull()
            t.column("metadata", .text).notNull()
            t.column("lastModified", .datetime).notNull()
            t.primaryKey(["bucket", "key", "versionId"])
        }
        try db.execute(
            sql: """
                INSERT INTO objectVersion
                SELECT bucket, key, 'null', 1, 1, 0, size, etag, contentType, metadata, lastModified FROM object
                """)
        try db.create(table: "objectVersionChunk") { t in
            t.column("bucket", .text).notNull()
            t.column("key", .text).notNull()
            t.column("versionId", .text).notNull()
            t.column("index", .integer).notNull()
            t.column("digest", .text).notNull()
            t.column("size", .integer).notNull()
            t.primaryKey(["bucket", "key", "versionId", "index"])
            t.foreignKey(
                ["bucket", "key", "versionId"], references: ObjectRecord.databaseTableName,
                columns: ["bucket", "key", "versionId"], onDelete: .cascade)
        }
        try db.execute(
            sql: #"""
                INSERT INTO objectVersionChunk SELECT bucket, key, 'null', "index", digest, size FROM objectChunk
                """#)
        try db.create(table: "objectVersionTag") { t in
            t.column("bucket", .text).notNull()
            t.column("key", .text).notNull()
            t.column("versionId", .text).notNull()
            t.column("tagKey", .text).notNull()
            t.column("value", .text).notNull()
            t.primaryKey(["bucket", "key", "versionId", "tagKey"])
            t.foreignKey(
                ["bucket", "key", "versionId"], references: ObjectRecord.databaseTableName,
                columns: ["bucket", "key", "versionId"], onDelete: .cascade)
        }
        try db.execute(
            sql: "INSERT INTO objectVersionTag SELECT bucket, key, 'null', tagKey, value FROM objectTag")
        try db.drop(table: ObjectTagRecord.databaseTableName)
        try db.drop(table: ObjectChunkRecord.databaseTableName)
        try db.drop(table: ObjectRecord.databaseTableName)
        try db.rename(table: "objectVersion", to: ObjectRecord.databaseTableName)
        try db.rename(table: "objectVersionChunk", to: ObjectChunkRecord.databaseTableName)
        try db.rename(table: "objectVersionTag", to: ObjectTagRecord.databaseTableName)
        // The blob collector asks whether any row still refers to a blob.
        try db.create(index: "objectChunk_digest", on: ObjectChunkRecord.databaseTableName, columns: ["digest"])
        // A key's versions, newest first.
        try db.execute(sql: "CREATE INDEX object_versions ON object(bucket, key, sequence DESC)")
        // ListObjectsV2 walks the current objects only.
        try db.execute(
            sql: "CREATE INDEX object_current ON object(bucket, key) WHERE isLatest AND NOT isDeleteMarker")
    }
}
