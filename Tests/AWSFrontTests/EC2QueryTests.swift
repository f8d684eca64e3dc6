import API
import Testing

@testable import AWSFront

/// EC2's query protocol as the model drives it: flat parameters into an action's members, and results into
/// EC2's XML.
@Suite("EC2 query protocol")
struct EC2QueryTests {
    let coding: QueryCoding

    init() throws {
        coding = QueryCoding(model: try QueryModel.ec2.get(), dialect: .ec2)
    }

    /// The generated model is made again (`scripts/generate-query-models.py`) when an EC2 action is added; this
    /// catches an action added without it.
    @Test func theModelHasEveryEC2ActionOfTheMethodTable() throws {
        let model = try QueryModel.ec2.get()
        let methods = try MethodTableSource.actions(of: "ec2")
        #expect(!methods.isEmpty)
        for action in methods {
            let operation = try #require(model.operations[action], "\(action) is not in QueryModel+EC2.swift")
            if let input = operation.input { #expect(model.shapes[input] != nil, "\(action)'s input \(input)") }
            if let output = operation.output { #expect(model.shapes[output] != nil, "\(action)'s output \(output)") }
        }
    }

    @Test func numberedParametersBecomeListsOfStructures() throws {
        let decoded = try coding.decode(
            [
                "Filter.2.Name": "tag:role", "Filter.2.Value.1": "web", "Filter.1.Name": "status",
                "Filter.1.Value.2": "in-use", "Filter.1.Value.1": "available", "VolumeId.1": "vol-1", "MaxResults": "5",
                "DryRun": "false",
            ], shape: "DescribeVolumesRequest")
        #expect(
            decoded
                == .object([
                    "Filters": .array([
                        .object([
                            "Name": .string("status"), "Values": .array([.string("available"), .string("in-use")]),
                        ]),
                        .object(["Name": .string("tag:role"), "Values": .array([.string("web")])]),
                    ]),
                    "VolumeIds": .array([.string("vol-1")]), "MaxResults": .int(5), "DryRun": .bool(false),
                ]))
    }

    @Test func unknownAndMistypedParametersAreRefusedWithEC2sCodes() {
        for (parameters, code, named) in [
            (["Size": "1", "AvailabilityZone": "us-east-1a", "Bogus": "x"], "UnknownParameter", "Bogus"),
            (["TagSpecification.1.Tag.1.Kee": "k"], "UnknownParameter", "TagSpecification.1.Tag.1.Kee"),
            (["Size": "big"], "InvalidParameterValue", "Size"),
            (["Encrypted": "yes"], "InvalidParameterValue", "Encrypted"),
            (["TagSpecification.x.ResourceType": "volume"], "InvalidParameterValue", "TagSpecification.x"),
            // A name of a million parts would build a tree whose release overflows the stack.
            ([String(repeating: "a.", count: 100_000) + "b": "1"], "UnknownParameter", "a.a."),
        ] {
            #expect {
                _ = try coding.decode(parameters, shape: "CreateVolumeRequest")
            } throws: { error in
                guard let error = error as? CloudError else { return false }
                return error.code == code && error.message.contains(named)
            }
        }
    }

    @Test func resultsUseLocationNamesAndItemListsAndEscapeText() {
        var text = ""
        coding.encode(
            .object([
                "Volumes": .array([
                    .object([
                        "VolumeId": .string("vol-1"), "Size": .int(8), "State": .string("available"),
                        "Tags": .array([.object(["Key": .string("a<b"), "Value": .string("x&y")])]),
                        "NotAnAWSMember": .string("dropped"), "Encrypted": .bool(false),
                    ])
                ]),
                "NextToken": .null,
            ]), shape: "DescribeVolumesResult", into: &text)
        #expect(
            text
                == "<volumeSet><item><encrypted>false</encrypted><size>8</size><status>available</status>"
                + "<tagSet><item><key>a&lt;b</key><value>x&amp;y</value></item></tagSet><volumeId>vol-1</volumeId>"
                + "</item></volumeSet>")
    }
}
