import Foundation

/// `s3.CreateBucket`: a bucket in the region the request names (`LocationConstraint`), or the daemon's
/// first region.
public struct CreateBucketRequest: Codable, Sendable {
    public var bucket: String
    public var createBucketConfiguration: CreateBucketConfiguration?

    public init(bucket: String, createBucketConfiguration: CreateBucketConfiguration? = nil) {
        self.bucket = bucket
        self.createBucketConfiguration = createBucketConfiguration
    }
}

public struct CreateBucketConfiguration: Codable, Sendable {
    public var locationConstraint: String?

    public init(locationConstraint: String? = nil) {
        self.locationConstraint = locationConstraint
    }
}

public struct CreateBucketResult: Codable, Sendable, Equatable {
    /// `/<bucket>`, as S3 answers.
    public var location: String

    public init(location: String) {
        self.location = location
    }
}

/// `s3.DeleteBucket`, `s3.HeadBucket`, `s3.GetBucketLocation`: a bucket by name.
public struct BucketRequest: Codable, Sendable {
    public var bucket: String

    public init(bucket: String) {
        self.bucket = bucket
    }
}

public struct HeadBucketResult: Codable, Sendable, Equatable {
    public var bucketRegion: String

    public init(bucketRegion: String) {
        self.bucketRegion = bucketRegion
    }
}

public struct GetBucketLocationResult: Codable, Sendable, Equatable {
    /// As S3: empty for us-east-1, the region's name otherwise.
    public var locationConstraint: String?

    public init(locationConstraint: String?) {
        self.locationConstraint = locationConstraint
    }
}

/// `s3.ListBuckets`.
public struct ListBucketsResult: Codable, Sendable, Equatable {
    public var buckets: [Bucket]
    public var owner: Owner

    public init(buckets: [Bucket], owner: Owner) {
        self.buckets = buckets
        self.owner = owner
    }
}

public struct Bucket: Codable, Sendable, Equatable {
    public var name: String
    public var creationDate: Date
    public var bucketRegion: String

    public init(name: String, creationDate: Date, bucketRegion: String) {
        self.name = name
        self.creationDate = creationDate
        self.bucketRegion = bucketRegion
    }
}

public struct Owner: Codable, Sendable, Equatable {
    public var id: String
    public var displayName: String

    public init(id: String, displayName: String) {
        self.id = id
        self.displayName = displayName
    }
}
