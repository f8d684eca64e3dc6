import Foundation
import Testing

@testable import API

/// The JSON object `AWSCoding.encode` produces for `value`.
private func encoded(_ value: some Encodable) throws -> JSONValue {
    try JSONParser.parse(AWSCoding.encode(value))
}

/// The `CloudError` decoding `json` as `type` throws, or nil when it decodes.
private func decodeError<T: Decodable>(_ type: T.Type, _ json: JSONValue?) -> CloudError? {
    do {
        _ = try AWSCoding.decode(type, from: json)
        return nil
    } catch {
        return error
    }
}

@Suite("AWSCoding")
struct AWSCodingTests {
    @Test("camelCase properties encode as PascalCase members, nested ones too; nils are omitted")
    func encodePascalCase() throws {
        let request = CreateVolumeRequest(
            availabilityZone: "us-east-1a", size: 8, volumeType: "gp3", iops: 3000,
            tagSpecifications: [TagSpecification(resourceType: "volume", tags: [Tag(key: "Name", value: "web")])],
            clientToken: "token-1"
        )
        let json = try encoded(request)
        #expect(
            json == [
                "AvailabilityZone": "us-east-1a", "Size": 8, "VolumeType": "gp3", "Iops": 3000,
                "TagSpecifications": [["ResourceType": "volume", "Tags": [["Key": "Name", "Value": "web"]]]],
                "ClientToken": "token-1",
            ])
        #expect(json["availabilityZone"] == nil)
        #expect(json["Throughput"] == nil)
    }

    @Test("output is compact with sorted keys")
    func compactSorted() throws {
        let text = String(decoding: try AWSCoding.encode(Tag(key: "k", value: "v")), as: UTF8.self)
        #expect(text == #"{"Key":"k","Value":"v"}"#)
        #expect(String(decoding: try AWSCoding.encode(ReturnResult()), as: UTF8.self) == #"{"Return":true}"#)
        #expect(String(decoding: try AWSCoding.encode(NoParams()), as: UTF8.self) == "{}")
    }

    @Test("pretty output parses to the same value")
    func pretty() throws {
        let value = DeleteTagsRequest(resources: ["vol-1"], tags: [.init(key: "a")])
        let prettyText = try AWSCoding.encode(value, pretty: true)
        #expect(prettyText.contains(UInt8(ascii: "\n")))
        #expect(try JSONParser.parse(prettyText) == encoded(value))
    }

    @Test("PascalCase members decode into camelCase properties")
    func decodePascalCase() throws {
        let request = try AWSCoding.decode(
            CreateVolumeRequest.self,
            from: [
                "AvailabilityZone": "us-east-1b", "Size": 100, "VolumeType": "io1", "Iops": 500,
                "MultiAttachEnabled": true,
                "TagSpecifications": [["Tags": [["Key": "a", "Value": "b"]]]],
            ]
        )
        #expect(request.availabilityZone == "us-east-1b")
        #expect(request.size == 100)
        #expect(request.volumeType == "io1")
        #expect(request.iops == 500)
        #expect(request.multiAttachEnabled == true)
        #expect(request.throughput == nil)
        #expect(request.tagSpecifications == [TagSpecification(resourceType: nil, tags: [Tag(key: "a", value: "b")])])
    }

    @Test("absent params decode as an empty object")
    func absentParams() throws {
        _ = try AWSCoding.decode(NoParams.self, from: nil)
        let request = try AWSCoding.decode(DescribeVolumesRequest.self, from: nil)
        #expect(
            request.volumeIds == nil && request.filters == nil && request.maxResults == nil && request.nextToken == nil)
    }

    @Test("a result round-trips, dates as ISO 8601")
    func roundTrip() throws {
        let volume = Volume(
            volumeId: "vol-0123456789abcdef0", size: 8, availabilityZone: "us-east-1a", state: "available",
            volumeType: "gp3", iops: 3000, throughput: 125, createTime: Date(timeIntervalSince1970: 1_700_000_000),
            encrypted: false, multiAttachEnabled: false, snapshotId: nil, attachments: [],
            tags: [Tag(key: "k", value: "v")]
        )
        let bytes = try AWSCoding.encode(volume)
        #expect(try JSONParser.parse(bytes)["CreateTime"] == "2023-11-14T22:13:20Z")
        #expect(try AWSCoding.decode(Volume.self, fromJSON: bytes) == volume)
        #expect(try AWSCoding.decode(Volume.self, from: JSONParser.parse(bytes)) == volume)
    }

    @Test("unknown members are refused when strict and ignored when lenient")
    func strictness() throws {
        let params: JSONValue = ["AvailabilityZone": "us-east-1a", "Size": 8, "Extra": 1]
        #expect(throws: CloudError.self) { try AWSCoding.decode(CreateVolumeRequest.self, from: params, strict: true) }
        do {
            _ = try AWSCoding.decode(CreateVolumeRequest.self, from: params, strict: true)
        } catch {
            #expect(error.code == "UnknownParameter")
            #expect(error.message.contains("Extra"))
        }
        let lenient = try AWSCoding.decode(CreateVolumeRequest.self, from: params)
        #expect(lenient.size == 8)
        // Lower-case spellings of known members are read, so they are not unknown.
        let lower = try AWSCoding.decode(
            CreateVolumeRequest.self, from: ["availabilityZone": "us-east-1a", "size": 8], strict: true)
        #expect(lower.availabilityZone == "us-east-1a")
    }

    @Test("a missing member is MissingParameter naming it")
    func missingParameter() throws {
        let error = try #require(decodeError(CreateVolumeRequest.self, ["Size": 8]))
        #expect(error.code == "MissingParameter")
        #expect(error.message.contains("AvailabilityZone"))
        #expect(error.status == 400)
    }

    @Test("a missing nested member is named by its full path")
    func missingNested() throws {
        let error = try #require(
            decodeError(
                CreateVolumeRequest.self, ["AvailabilityZone": "x", "TagSpecifications": [["Tags": [["Key": "a"]]]]]))
        #expect(error.code == "MissingParameter")
        #expect(error.message.contains("TagSpecifications[0].Tags[0].Value"))
    }

    @Test("a member of the wrong type is InvalidParameterType naming it and the expected type")
    func wrongType() throws {
        let size = try #require(decodeError(CreateVolumeRequest.self, ["AvailabilityZone": "x", "Size": "big"]))
        #expect(size.code == "InvalidParameterType")
        #expect(size.message.contains("Size"))
        #expect(size.message.contains("number"))

        let zone = try #require(decodeError(CreateVolumeRequest.self, ["AvailabilityZone": 5]))
        #expect(zone.code == "InvalidParameterType")
        #expect(zone.message.contains("AvailabilityZone"))
        #expect(zone.message.contains("string"))

        let flag = try #require(decodeError(CreateVolumeRequest.self, ["AvailabilityZone": "x", "Encrypted": "yes"]))
        #expect(flag.code == "InvalidParameterType")
        #expect(flag.message.contains("Encrypted"))
        #expect(flag.message.contains("boolean"))

        let list = try #require(decodeError(DescribeVolumesRequest.self, ["VolumeIds": "vol-1"]))
        #expect(list.code == "InvalidParameterType")
        #expect(list.message.contains("VolumeIds"))
        #expect(list.message.contains("array"))

        let element = try #require(decodeError(DescribeVolumesRequest.self, ["VolumeIds": ["vol-1", 2]]))
        #expect(element.code == "InvalidParameterType")
        #expect(element.message.contains("VolumeIds[1]"))
    }

    @Test("null for a required member is InvalidParameterType")
    func nullRequired() throws {
        let error = try #require(decodeError(CreateVolumeRequest.self, ["AvailabilityZone": nil]))
        #expect(error.code == "InvalidParameterType")
        #expect(error.message.contains("AvailabilityZone"))
    }

    @Test("params that are not an object are InvalidParameterType")
    func notAnObject() throws {
        #expect(decodeError(CreateVolumeRequest.self, [1, 2])?.code == "InvalidParameterType")
        #expect(decodeError(DeleteVolumeRequest.self, "vol-1")?.code == "InvalidParameterType")
    }

    // Foundation's JSONDecoder reports an empty coding path for a bad ISO 8601 date, so the message cannot
    // name the member; only the code is checked.
    @Test("an unparseable date is InvalidParameterValue")
    func badDate() throws {
        var json = try encoded(
            Volume(
                volumeId: "v", size: 1, availabilityZone: "z", state: "s", volumeType: "t", iops: nil, throughput: nil,
                createTime: Date(timeIntervalSince1970: 0), encrypted: false, multiAttachEnabled: false,
                snapshotId: nil,
                attachments: [], tags: nil))
        guard case .object(var members) = json else {
            Issue.record("not an object")
            return
        }
        members["CreateTime"] = "yesterday"
        json = .object(members)
        let error = try #require(decodeError(Volume.self, json))
        #expect(error.code == "InvalidParameterValue")
        #expect(error.message.hasPrefix("Invalid value"))
    }

    @Test("AWSKeys maps the first letter only")
    func keyMapping() {
        #expect(AWSKeys.pascalCase("volumeIds") == "VolumeIds")
        #expect(AWSKeys.camelCase("VolumeIds") == "volumeIds")
        #expect(AWSKeys.pascalCase("") == "")
        #expect(AWSKeys.pascalCase("$bytes") == "$bytes")
        #expect(DynamicKey(intValue: 1).stringValue == "1")
    }
}

@Suite("DaemonStatus")
struct DaemonStatusCodingTests {
    @Test("a status without LostAndFoundFiles (an older daemon) reads as 0")
    func olderDaemon() throws {
        let json: JSONValue = [
            "Version": "0.1.0", "Pid": 1, "UptimeSeconds": .double(1.5), "DataDirectory": "/d", "SocketPath": "/s",
            "Regions": 1, "AvailabilityZones": 3, "Volumes": 2,
        ]
        let status = try AWSCoding.decode(DaemonStatus.self, from: json)
        #expect(status.lostAndFoundFiles == 0)
        #expect(status.volumes == 2)
    }
}
