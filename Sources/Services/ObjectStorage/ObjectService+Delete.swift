import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.DeleteObject`, by S3's versioning rules (`ObjectVersions.delete`): a key that does not exist is no
    /// error, as in S3. Blobs no row refers to any more go with the collector.
    public func deleteObject(_ request: ObjectRequest) async throws(CloudError) -> DeleteObjectResult {
        try ObjectKey.validate(request.key)
        let deletion = try await database.writeOrThrow(grouped: true) {
            db throws(CloudError) -> ObjectVersions.Deletion in
            let bucket = try Self.bucket(request.bucket, in: db)
            return try ObjectVersions.delete(bucket: bucket, key: request.key, versionId: request.versionId, in: db)
        }
        logger.info(
            "object deleted",
            metadata: [
                "iaas.bucket": "\(request.bucket)", "iaas.key": "\(request.key)",
                "iaas.version": "\(deletion.versionId ?? "")", "iaas.delete-marker": "\(deletion.deleteMarker == true)",
            ])
        return DeleteObjectResult(deleteMarker: deletion.deleteMarker, versionId: deletion.versionId)
    }

    /// `s3.DeleteObjects`: up to 1,000 keys (or versions), in one transaction; each missing key counts as
    /// deleted, as in S3; a key or version id that is not valid is reported in `Errors`.
    public func deleteObjects(_ request: DeleteObjectsRequest) async throws(CloudError) -> DeleteObjectsResult {
        let objects = request.delete.objects
        guard (1...1000).contains(objects.count) else {
            throw CloudError(
                code: "MalformedXML",
                message: "A DeleteObjects request names 1 to 1,000 keys; this one names \(objects.count).")
        }
        let (deleted, errors) = try await database.writeOrThrow {
            db throws(CloudError) -> ([DeletedObject], [DeleteError]) in
            let bucket = try Self.bucket(request.bucket, in: db)
            var deleted: [DeletedObject] = []
            var errors: [DeleteError] = []
            for object in objects {
                do throws(CloudError) {
                    try ObjectKey.validate(object.key)
                    let deletion = try ObjectVersions.delete(
                        bucket: bucket, key: object.key, versionId: object.versionId, in: db)
                    deleted.append(
                        DeletedObject(
                            key: object.key, versionId: object.versionId, deleteMarker: deletion.deleteMarker,
                            deleteMarkerVersionId: deletion.deleteMarker == true ? deletion.versionId : nil))
                } catch  where error.code != "InternalError" {
                    errors.append(DeleteError(key: object.key, code: error.code, message: error.message))
                }
            }
            return (deleted, errors)
        }
        logger.info(
            "objects deleted", metadata: ["iaas.bucket": "\(request.bucket)", "iaas.count": "\(deleted.count)"])
        return DeleteObjectsResult(deleted: request.delete.quiet == true ? [] : deleted, errors: errors)
    }
}
