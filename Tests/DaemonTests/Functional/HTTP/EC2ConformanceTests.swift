import IaasTesting
import Testing

/// EC2 through boto3 and the AWS CLI, unmodified, against the HTTP listener's query protocol:
/// `Tests/Conformance/ec2_test.py`. Its instance is a real guest, so the suite holds the guest lease.
@Suite("EC2 over HTTP (boto3, AWS CLI)")
struct EC2ConformanceTests {
    @Test func boto3AndTheCLIDriveRegionsVolumesSnapshotsAndInstances() async throws {
        try await GuestLease.exclusive {
            let http = try await HTTPFixture.start(arguments: ["--image-directory", try GuestImage.directory()])
            try await http.expectConformance("ec2_test.py")
        }
    }
}
