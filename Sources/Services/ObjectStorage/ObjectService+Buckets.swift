import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.CreateBucket`: S3's naming rules; the region of `LocationConstraint` (or the first region).
    public func createBucket(_ request: CreateBucketRequest) async throws(CloudError) -> CreateBucketResult {
        try BucketName.validate(request.bucket)
        let region =
            request.createBucketConfiguration?.locationConstraint.flatMap { $0.isEmpty ? nil : $0 }
            ?? defaultRegion
        guard stores[region] != nil else {
            throw CloudError(
                code: "InvalidLocationConstraint",
                message:
                    "The specified location-constraint is not valid: \(region). Regions: \(stores.keys.sorted().joined(separator: ", "))."
            )
        }
        let record = BucketRecord(name: request.bucket, region: region, createdAt: Date())
        try await database.writeOrThrow { db throws(CloudError) in
            guard try db.catching({ try BucketRecord.fetchOne(db, key: record.name) }) == nil else {
                throw S3Errors.bucketAlreadyOwnedByYou(record.name)
            }
            try db.catching { try record.insert(db) }
        }
        regions[record.name] = region
        logger.info("bucket created", metadata: ["iaas.bucket": "\(record.name)", "iaas.region": "\(region)"])
        return CreateBucketResult(location: "/" + record.name)
    }

    /// `s3.DeleteBucket`: only an empty bucket (BucketNotEmpty).
    public func deleteBucket(_ request: BucketRequest) async throws(CloudError) -> EmptyResult {
        try await database.writeOrThrow { db throws(CloudError) in
            _ = try Self.bucket(request.bucket, in: db)
            let hasObjects = try db.catching {
                try ObjectRecord.filter(ObjectRecord.Columns.bucket == request.bucket).fetchCount(db) > 0
            }
            guard !hasObjects else { throw S3Errors.bucketNotEmpty(request.bucket) }
            let uploads = try db.catching {
                try MultipartUploadRecord.filter(Column("bucket") == request.bucket).fetchCount(db)
            }
            guard uploads == 0 else {
                throw CloudError(
                    code: "BucketNotEmpty",
                    message:
                        "The bucket \(request.bucket) has \(uploads) multipart uploads in progress; complete or abort them first.",
                    status: 409)
            }
            _ = try db.catching { try BucketRecord.deleteOne(db, key: request.bucket) }
        }
        regions[request.bucket] = nil
        logger.info("bucket deleted", metadata: ["iaas.bucket": "\(request.bucket)"])
        return EmptyResult()
    }

    /// `s3.ListBuckets`, by name.
    public func listBuckets() async throws(CloudError) -> ListBucketsResult {
        let buckets = try await database.readOrThrow { db in try BucketRecord.order(Column("name")).fetchAll(db) }
        return ListBucketsResult(
            buckets: buckets.map { Bucket(name: $0.name, creationDate: $0.createdAt, bucketRegion: $0.region) },
            owner: Owner(id: account, displayName: "iaas"))
    }

    /// `s3.HeadBucket`.
    public func headBucket(_ request: BucketRequest) async throws(CloudError) -> HeadBucketResult {
        let bucket = try await database.readOrThrow { db in try Self.bucket(request.bucket, in: db) }
        return HeadBucketResult(bucketRegion: bucket.region)
    }

    /// `s3.GetBucketLocation`: empty for us-east-1, as S3 answers.
    public func getBucketLocation(_ request: BucketRequest) async throws(CloudError) -> GetBucketLocationResult {
        let bucket = try await database.readOrThrow { db in try Self.bucket(request.bucket, in: db) }
        return GetBucketLocationResult(locationConstraint: bucket.region == "us-east-1" ? nil : bucket.region)
    }
}
