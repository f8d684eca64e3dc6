import API
import Testing

@testable import AWSFront

/// SQS's query protocol as its model drives it: flattened maps and lists (`Attribute.1.Name`,
/// `AttributeName.1`, `SendMessageBatchRequestEntry.1.Id`) in, repeated elements out.
@Suite("SQS query protocol")
struct SQSQueryTests {
    let coding: QueryCoding

    init() throws {
        coding = QueryCoding(model: try QueryModel.sqs.get(), dialect: .query)
    }

    /// Every SQS action but the cloud's own (`PeekMessages`) is in the query model, which is generated again
    /// when one is added.
    @Test func theModelHasEverySQSActionOfTheMethodTable() throws {
        let model = try QueryModel.sqs.get()
        let methods = try MethodTableSource.actions(of: "sqs").subtracting(["PeekMessages"])
        #expect(methods.count > 15)
        for action in methods {
            #expect(model.operations[action] != nil, "\(action) is not in QueryModel+SQS.swift")
        }
    }

    @Test func flattenedMapsAndListsBecomeTheJSONProtocolsMembers() throws {
        let send = try coding.decode(
            [
                "QueueUrl": "http://h/000000000000/q", "MessageBody": "hi", "DelaySeconds": "2",
                "MessageAttribute.1.Name": "color", "MessageAttribute.1.Value.DataType": "String",
                "MessageAttribute.1.Value.StringValue": "blue",
            ], shape: "SendMessageRequest")
        #expect(
            send
                == .object([
                    "QueueUrl": .string("http://h/000000000000/q"), "MessageBody": .string("hi"),
                    "DelaySeconds": .int(2),
                    "MessageAttributes": .object([
                        "color": .object(["DataType": .string("String"), "StringValue": .string("blue")])
                    ]),
                ]))
        let create = try coding.decode(
            [
                "QueueName": "q", "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "5", "Tag.1.Key": "team",
                "Tag.1.Value": "blue",
            ],
            shape: "CreateQueueRequest")
        #expect(
            create
                == .object([
                    "QueueName": .string("q"), "Attributes": .object(["DelaySeconds": .string("5")]),
                    "tags": .object(["team": .string("blue")]),
                ]))
        let batch = try coding.decode(
            [
                "QueueUrl": "u", "DeleteMessageBatchRequestEntry.2.Id": "b",
                "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "rb",
                "DeleteMessageBatchRequestEntry.1.Id": "a", "DeleteMessageBatchRequestEntry.1.ReceiptHandle": "ra",
            ], shape: "DeleteMessageBatchRequest")
        #expect(
            batch["Entries"]
                == .array([
                    .object(["Id": .string("a"), "ReceiptHandle": .string("ra")]),
                    .object(["Id": .string("b"), "ReceiptHandle": .string("rb")]),
                ]))
        let receive = try coding.decode(
            ["QueueUrl": "u", "AttributeName.1": "All", "MessageAttributeName.1": "color"],
            shape: "ReceiveMessageRequest")
        #expect(receive["AttributeNames"] == .array([.string("All")]))
        #expect(receive["MessageAttributeNames"] == .array([.string("color")]))
    }

    @Test func entriesWithoutTheirKeyOrWithStrangeMembersAreRefused() {
        for (parameters, code) in [
            (["QueueName": "q", "Attribute.1.Value": "5"], "InvalidParameterValue"),
            (
                ["QueueName": "q", "Attribute.1.Name": "A", "Attribute.1.Value": "5", "Attribute.1.Extra": "x"],
                "UnknownParameter"
            ),
            (["QueueName": "q", "Attribute.0.Name": "A", "Attribute.0.Value": "5"], "InvalidParameterValue"),
            (["QueueName": "q", "Attributes.1.Name": "A"], "UnknownParameter"),
        ] {
            #expect {
                _ = try coding.decode(parameters, shape: "CreateQueueRequest")
            } throws: { error in
                (error as? CloudError)?.code == code
            }
        }
    }

    @Test func resultsRepeatTheirFlattenedElements() {
        var text = ""
        coding.encode(
            .object([
                "Messages": .array([
                    .object([
                        "MessageId": .string("m1"), "Body": .string("<hi>"),
                        "Attributes": .object(["SentTimestamp": .string("1"), "ApproximateReceiveCount": .string("2")]),
                        "MessageAttributes": .object([
                            "color": .object(["DataType": .string("String"), "StringValue": .string("blue")])
                        ]),
                    ])
                ])
            ]), shape: "ReceiveMessageResult", into: &text)
        #expect(
            text
                == "<Message><Attribute><Name>ApproximateReceiveCount</Name><Value>2</Value></Attribute>"
                + "<Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute><Body>&lt;hi&gt;</Body>"
                + "<MessageAttribute><Name>color</Name><Value><DataType>String</DataType><StringValue>blue</StringValue>"
                + "</Value></MessageAttribute><MessageId>m1</MessageId></Message>")
        text = ""
        coding.encode(
            .object(["QueueUrls": .array([.string("a"), .string("b")])]), shape: "ListQueuesResult", into: &text)
        #expect(text == "<QueueUrl>a</QueueUrl><QueueUrl>b</QueueUrl>")
    }
}
