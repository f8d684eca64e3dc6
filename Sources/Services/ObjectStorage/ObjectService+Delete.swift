import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.DeleteObject`: the object's rows go in one transaction (a key that does not exist is no error,
    /// as in S3); its blobs go with the collector once no row refers to them.
    public func deleteObject(_ request: ObjectRequest) async throws(CloudError) -> EmptyResult {
        try ObjectKey.validate(request.key)
        let deleted = try await database.writeOrThrow(grouped: true) { db throws(CloudError) -> Bool in
            _ = try Self.bucket(request.bucket, in: db)
            return try db.catching {
                try Self.deleteStoredObject(request.bucket, request.key, in: db)
            }
        }
        if deleted {
            logger.info("object deleted", metadata: ["iaas.bucket": "\(request.bucket)", "iaas.key": "\(request.key)"])
        }
        return EmptyResult()
    }

    /// `s3.DeleteObjects`: up to 1,000 keys, in one transaction; each missing key counts as deleted, as in
    /// S3; a key that is not valid is reported in `Errors`.
    public func deleteObjects(_ request: DeleteObjectsRequest) async throws(CloudError) -> DeleteObjectsResult {
        let keys = request.delete.objects.map(\.key)
        guard (1...1000).contains(keys.count) else {
            throw CloudError(
                code: "MalformedXML",
                message: "A DeleteObjects request names 1 to 1,000 keys; this one names \(keys.count).")
        }
        var errors: [DeleteError] = []
        var valid: [String] = []
        for key in keys {
            do throws(CloudError) {
                try ObjectKey.validate(key)
                valid.append(key)
            } catch {
                errors.append(DeleteError(key: key, code: error.code, message: error.message))
            }
        }
        try await database.writeOrThrow { [valid] db throws(CloudError) in
            _ = try Self.bucket(request.bucket, in: db)
            try db.catching {
                for key in valid { try Self.deleteStoredObject(request.bucket, key, in: db) }
            }
        }
        logger.info("objects deleted", metadata: ["iaas.bucket": "\(request.bucket)", "iaas.count": "\(valid.count)"])
        return DeleteObjectsResult(
            deleted: request.delete.quiet == true ? [] : valid.map(DeletedObject.init), errors: errors)
    }
}
