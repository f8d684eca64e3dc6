import API
import Foundation

extension IaasClient {
    /// Puts `bytes` as an object.
    @discardableResult
    public func putObject(
        _ bucket: String, _ key: String, _ bytes: [UInt8], contentType: String? = nil, contentMD5: String? = nil,
        metadata: [String: String]? = nil, tagging: String? = nil
    ) async throws -> PutObjectResult {
        try await call(
            Methods.putObject,
            PutObjectRequest(
                bucket: bucket, key: key, body: PayloadField(length: bytes.count), contentType: contentType,
                contentMD5: contentMD5, metadata: metadata.map(WireMap.init), tagging: tagging),
            payload: PayloadSource(bytes: bytes))
    }

    /// An object's bytes (or a range of them) and what GetObject said of it.
    public func getObject(_ bucket: String, _ key: String, range: String? = nil, versionId: String? = nil)
        async throws -> (GetObjectResult, [UInt8])
    {
        let (result, payload) = try await callReceivingPayload(
            Methods.getObject, GetObjectRequest(bucket: bucket, key: key, range: range, versionId: versionId))
        return (result, try await payload.collect(upTo: 1 << 30))
    }

    public func createBucket(_ name: String) async throws {
        _ = try await call(Methods.createBucket, CreateBucketRequest(bucket: name))
    }
}
