import IaasTesting
import Testing

/// S3 through boto3 and the AWS CLI, unmodified, against the HTTP listener: `Tests/Conformance/s3_test.py`.
@Suite("S3 over HTTP (boto3, AWS CLI)")
struct S3ConformanceTests {
    @Test func boto3AndTheCLIDriveBucketsObjectsMultipartRangesConditionsAndVersions() async throws {
        let http = try await HTTPFixture.start()
        try await http.expectConformance("s3_test.py")
    }
}
