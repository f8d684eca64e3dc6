import API
import Foundation
import IaasTesting
import Store
import Testing

@testable import Services

@Suite("SQS redrive policies")
struct RedrivePolicyTests {
    @Test("a RedrivePolicy takes maxReceiveCount as a number or a string, from 1 to 1000")
    func redrive() throws {
        let arn = "arn:aws:sqs:us-east-1:000000000000:dlq"
        let number = try RedrivePolicy(parsing: #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":5}"#)
        let string = try RedrivePolicy(parsing: #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":"5"}"#)
        #expect(number == string)
        #expect(try RedrivePolicy(parsing: number.text) == number)
        for bad in [
            #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":1001}"#, #"{"maxReceiveCount":5}"#, "[]",
            #"{"deadLetterTargetArn":"\#(arn)","maxReceiveCount":5,"colour":"red"}"#,
        ] {
            #expect(
                thrown { () throws(CloudError) in _ = try RedrivePolicy(parsing: bad) }?.code == "InvalidParameterValue"
            )
        }
    }

    @Test("a RedriveAllowPolicy allows all, none, or the queues it lists")
    func allow() throws {
        let source = "arn:aws:sqs:us-east-1:000000000000:src"
        #expect(try RedriveAllowPolicy(parsing: #"{"redrivePermission":"allowAll"}"#).allows(source))
        #expect(try !RedriveAllowPolicy(parsing: #"{"redrivePermission":"denyAll"}"#).allows(source))
        let byQueue = try RedriveAllowPolicy(
            parsing: #"{"redrivePermission":"byQueue","sourceQueueArns":["\#(source)"]}"#)
        #expect(byQueue.allows(source))
        #expect(!byQueue.allows(source + "2"))
        #expect(try RedriveAllowPolicy(parsing: byQueue.text) == byQueue)
        #expect(
            thrown { () throws(CloudError) in _ = try RedriveAllowPolicy(parsing: #"{"redrivePermission":"byQueue"}"#) }
                != nil)
        #expect(QueueURL(arn: source) == QueueURL(region: "us-east-1", account: "000000000000", name: "src"))
        #expect(QueueURL(arn: "arn:aws:s3:::bucket") == nil)
    }
}
