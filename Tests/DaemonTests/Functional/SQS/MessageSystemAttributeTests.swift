import API
import Foundation
import IaasTesting
import Testing

@Suite("SQS message system attributes")
struct MessageSystemAttributeTests {
    @Test func anAWSTraceHeaderTravelsWithTheMessageAndHasItsOwnDigest() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("traced")
        let header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        let sent = try await client.call(
            Methods.sendMessage,
            SendMessageRequest(
                queueUrl: url, messageBody: "traced",
                messageSystemAttributes: [
                    "AWSTraceHeader": MessageAttributeValue(dataType: "String", stringValue: header)
                ]))
        // The digest AWS computed for this header (recorded by LocalStack against AWS).
        #expect(sent.md5OfMessageSystemAttributes == "5ae4d5d7636402d80f4eb6d213245a88")
        #expect(sent.md5OfMessageAttributes == nil, "system attributes do not change the user attributes' digest")
        let received = try #require(try await client.receive(url).first)
        #expect(received.attributes?["AWSTraceHeader"] == header)
        #expect(received.messageAttributes == nil)
        #expect(received.md5OfMessageAttributes == nil)
        let bad: WireMap<MessageAttributeValue> = [
            "Colour": MessageAttributeValue(dataType: "String", stringValue: "x")
        ]
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.sendMessage,
                    SendMessageRequest(queueUrl: url, messageBody: "x", messageSystemAttributes: bad))
            } == "InvalidParameterValue")
        await fixture.stop()
    }
}
