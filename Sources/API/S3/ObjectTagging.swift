/// A tag of an S3 object.
public struct S3Tag: Codable, Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// An object's tags, as S3's `Tagging` element holds them.
public struct Tagging: Codable, Sendable, Hashable {
    public var tagSet: [S3Tag]

    public init(tagSet: [S3Tag]) {
        self.tagSet = tagSet
    }
}

/// `s3.PutObjectTagging`: replaces every tag of the object.
public struct PutObjectTaggingRequest: Codable, Sendable {
    public var bucket: String
    public var key: String
    public var tagging: Tagging
    public var versionId: String?

    public init(bucket: String, key: String, tagging: Tagging, versionId: String? = nil) {
        self.bucket = bucket
        self.key = key
        self.tagging = tagging
        self.versionId = versionId
    }
}

/// What `s3.GetObjectTagging` answers.
public struct GetObjectTaggingResult: Codable, Sendable, Equatable {
    public var tagSet: [S3Tag]
    public var versionId: String?

    public init(tagSet: [S3Tag], versionId: String? = nil) {
        self.tagSet = tagSet
        self.versionId = versionId
    }
}

/// What `s3.PutObjectTagging` and `s3.DeleteObjectTagging` answer: the version whose tags changed, in a
/// bucket whose versioning is on or suspended.
public struct ObjectTaggingResult: Codable, Sendable, Equatable {
    public var versionId: String?

    public init(versionId: String? = nil) {
        self.versionId = versionId
    }
}
