import IaasTesting
import Testing

/// SQS through boto3, unmodified, against the HTTP listener: `Tests/Conformance/sqs_test.py`.
@Suite("SQS over HTTP (boto3)")
struct SQSConformanceTests {
    @Test func boto3DrivesQueuesMessagesVisibilityLongPollDeadLettersAndFifo() async throws {
        let http = try await HTTPFixture.start()
        try await http.expectConformance("sqs_test.py")
    }
}
