import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.PutBucketVersioning`: `Enabled` or `Suspended`. A bucket never goes back to unversioned, and MFA
    /// delete, which needs a hardware token, is refused.
    public func putBucketVersioning(_ request: PutBucketVersioningRequest) async throws(CloudError) -> EmptyResult {
        let configuration = request.versioningConfiguration
        guard let status = configuration.status, [ObjectVersions.enabled, ObjectVersions.suspended].contains(status)
        else {
            throw CloudError(
                code: "MalformedXML",
                message:
                    "The versioning configuration's Status must be Enabled or Suspended (got \(configuration.status.map { "'\($0)'" } ?? "none"))."
            )
        }
        switch configuration.mfaDelete {
        case nil, "Disabled": break
        case "Enabled":
            throw CloudError(
                code: "InvalidRequest",
                message: "MFA delete cannot be enabled: it needs an MFA device, and this cloud has none.")
        case let other?:
            throw CloudError(code: "MalformedXML", message: "MfaDelete must be Enabled or Disabled (got '\(other)').")
        }
        try await database.writeOrThrow { db throws(CloudError) in
            var bucket = try Self.bucket(request.bucket, in: db)
            bucket.versioning = status
            try db.catching { try bucket.update(db) }
        }
        logger.info(
            "bucket versioning set", metadata: ["iaas.bucket": "\(request.bucket)", "iaas.status": "\(status)"])
        return EmptyResult()
    }

    /// `s3.GetBucketVersioning`: no Status while versioning was never turned on.
    public func getBucketVersioning(_ request: BucketRequest) async throws(CloudError) -> GetBucketVersioningResult {
        let bucket = try await database.readOrThrow { db in try Self.bucket(request.bucket, in: db) }
        return GetBucketVersioningResult(status: bucket.versioning)
    }
}
