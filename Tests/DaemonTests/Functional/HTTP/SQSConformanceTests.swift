import IaasTesting
import Testing

/// SQS through boto3, unmodified, against the HTTP listener: `Tests/Conformance/sqs_test.py`.
@Suite("SQS over HTTP (boto3)")
struct SQSConformanceTests {
    @Test func boto3DrivesQueuesMessagesVisibilityLongPollDeadLettersAndFifo() async throws {
        let http = try await HTTPFixture.start()
        let run = try await http.conformance("sqs_test.py")
        #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
        // unittest prints its verdict last; every test of the suite ran.
        #expect(run.stderr.contains("\nOK"), "\(run.stderr)")
        #expect(!run.stderr.contains("skipped"), "\(run.stderr)")
    }
}
