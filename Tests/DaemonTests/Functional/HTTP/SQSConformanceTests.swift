import IaasTesting
import Testing

/// SQS through boto3, unmodified, against the HTTP listener: `Tests/Conformance/sqs_test.py`, in the JSON
/// protocol current SDKs speak and in the query protocol of older ones (boto3 with the last query model).
@Suite("SQS over HTTP (boto3)")
struct SQSConformanceTests {
    @Test(arguments: ["json", "query"])
    func boto3DrivesQueuesMessagesVisibilityLongPollDeadLettersAndFifo(wire: String) async throws {
        let http = try await HTTPFixture.start()
        try await http.expectConformance("sqs_test.py", settings: ["IAAS_SQS_PROTOCOL": wire])
    }
}
