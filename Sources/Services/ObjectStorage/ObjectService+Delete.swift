import API
import Foundation
import GRDB
import Store

extension ObjectService {
    /// `s3.DeleteObject`: the object's rows go in one transaction (a key that does not exist is no error,
    /// as in S3); its blobs go with the collector once no row refers to them.
    public func deleteObject(_ request: ObjectRequest) async throws(CloudError) -> EmptyResult {
        try ObjectKey.validate(request.key)
        let deleted = try await database.writeOrThrow { db throws(CloudError) -> Bool in
            _ = try Self.bucket(request.bucket, in: db)
            return try db.catching {
                try ObjectRecord.deleteOne(db, key: ["bucket": request.bucket, "key": request.key])
            }
        }
        if deleted {
            logger.info("object deleted", metadata: ["iaas.bucket": "\(request.bucket)", "iaas.key": "\(request.key)"])
        }
        return EmptyResult()
    }
}
