import API
import Foundation
import IaasTesting
import Store
import Testing

@testable import Services

/// The method table of a whole `Cloud`, answering parsed messages as the daemon does.
@Suite("RequestProcessor over a Cloud")
final class RequestProcessorTests {
    let temporary: ScratchDirectory
    let database: StoreDatabase
    let cloud: Cloud

    init() throws {
        temporary = try ScratchDirectory()
        let dataDirectory = DataDirectory(root: temporary.path)
        let catalog = RegionCatalog.standard
        try dataDirectory.prepare(zones: catalog.zones.map(\.zone.zoneName))
        database = try StoreDatabase(path: dataDirectory.database)
        cloud = Cloud(
            database: database, dataDirectory: dataDirectory, catalog: catalog,
            info: DaemonInfo(pid: 42, startedAt: .now, dataDirectory: temporary.path.string, socketPath: "/tmp/x.sock"),
            repairInterval: .seconds(3600)
        )
    }

    deinit {
        try? database.close()
    }

    private func respond(_ message: JSONValue) async throws -> JSONValue? {
        guard let reply = await cloud.processor.respond(to: message) else { return nil }
        return try JSONParser.parse(reply.line)
    }

    private func call(_ method: String, _ params: JSONValue? = nil, id: JSONValue = 1) async throws -> JSONValue {
        var request: [String: JSONValue] = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
        if let params { request["params"] = params }
        return try #require(try await respond(.object(request)))
    }

    @Test("every API method is registered")
    func methods() {
        let expected = [
            Methods.status.name, Methods.scrub.name, Methods.describeRegions.name,
            Methods.describeAvailabilityZones.name,
            Methods.createVolume.name, Methods.describeVolumes.name, Methods.deleteVolume.name,
            Methods.modifyVolume.name, Methods.describeVolumesModifications.name,
            Methods.describeVolumeStatus.name, Methods.createSnapshot.name, Methods.describeSnapshots.name,
            Methods.deleteSnapshot.name, Methods.copySnapshot.name, Methods.importSnapshot.name,
            Methods.describeImportSnapshotTasks.name, Methods.createImage.name,
            Methods.registerImage.name, Methods.deregisterImage.name, Methods.createTags.name, Methods.deleteTags.name,
            Methods.describeTags.name, Methods.createQueue.name, Methods.getQueueUrl.name, Methods.listQueues.name,
            Methods.getQueueAttributes.name, Methods.setQueueAttributes.name, Methods.deleteQueue.name,
            Methods.purgeQueue.name, Methods.sendMessage.name, Methods.sendMessageBatch.name,
            Methods.receiveMessage.name, Methods.deleteMessage.name, Methods.deleteMessageBatch.name,
            Methods.changeMessageVisibility.name, Methods.changeMessageVisibilityBatch.name, Methods.tagQueue.name,
            Methods.untagQueue.name, Methods.listQueueTags.name, Methods.peekMessages.name,
            Methods.listDeadLetterSourceQueues.name, Methods.startMessageMoveTask.name,
            Methods.listMessageMoveTasks.name, Methods.cancelMessageMoveTask.name, Methods.runInstances.name,
            Methods.describeInstances.name, Methods.startInstances.name, Methods.stopInstances.name,
            Methods.rebootInstances.name, Methods.terminateInstances.name, Methods.getConsoleOutput.name,
            Methods.describeInstanceStats.name,
            Methods.describeImages.name, Methods.describeInstanceTypes.name, Methods.attachVolume.name,
            Methods.detachVolume.name, Methods.allocateAddress.name, Methods.associateAddress.name,
            Methods.disassociateAddress.name, Methods.releaseAddress.name, Methods.describeAddresses.name,
            Methods.modifyInstanceAttribute.name, Methods.describeInstanceStatus.name,
            Methods.createSecurityGroup.name, Methods.deleteSecurityGroup.name, Methods.describeSecurityGroups.name,
            Methods.authorizeSecurityGroupIngress.name, Methods.authorizeSecurityGroupEgress.name,
            Methods.revokeSecurityGroupIngress.name, Methods.revokeSecurityGroupEgress.name, Methods.createBucket.name,
            Methods.deleteBucket.name, Methods.headBucket.name, Methods.getBucketLocation.name,
            Methods.listBuckets.name, Methods.putObject.name, Methods.getObject.name, Methods.headObject.name,
            Methods.deleteObject.name, Methods.putObjectTagging.name, Methods.getObjectTagging.name,
            Methods.deleteObjectTagging.name, Methods.putBucketVersioning.name, Methods.getBucketVersioning.name,
            Methods.listObjectVersions.name, Methods.listObjectsV2.name, Methods.copyObject.name,
            Methods.deleteObjects.name,
            Methods.createMultipartUpload.name, Methods.uploadPart.name, Methods.uploadPartCopy.name,
            Methods.completeMultipartUpload.name,
            Methods.abortMultipartUpload.name, Methods.listParts.name, Methods.listMultipartUploads.name,
        ]
        #expect(cloud.processor.router.methodNames == expected.sorted())
    }

    @Test("a successful call answers with a PascalCase result under the request's id")
    func success() async throws {
        let response = try await call("ec2.CreateVolume", ["AvailabilityZone": "us-east-1a", "Size": 1], id: "c1")
        #expect(response["jsonrpc"] == "2.0")
        #expect(response["id"] == "c1")
        let result = try #require(response["result"])
        #expect(result["State"] == "available")
        #expect(result["Size"] == 1)
        #expect(result["VolumeId"]?.stringValue?.hasPrefix("vol-") == true)
        let status = try await call("daemon.Status")
        #expect(status["result"]?["Volumes"] == 1)
        #expect(status["result"]?["Pid"] == 42)
        #expect(status["result"]?["AvailabilityZones"] == 3)
    }

    @Test("a CloudError answers in the application range with its AWS code")
    func cloudError() async throws {
        let response = try await call("ec2.DeleteVolume", ["VolumeId": "vol-0123456789abcdef0"])
        #expect(response["error"]?["code"] == 1400)
        #expect(response["error"]?["data"]?["code"] == "InvalidVolume.NotFound")
        #expect(response["result"] == nil)
    }

    @Test("undecodable params answer -32602 with MissingParameter or InvalidParameterType")
    func invalidParams() async throws {
        let missing = try await call("ec2.CreateVolume", ["Size": 1])
        #expect(missing["error"]?["code"] == .int(RPCErrorObject.invalidParamsCode))
        #expect(missing["error"]?["data"]?["code"] == "MissingParameter")
        #expect(missing["error"]?["message"]?.stringValue?.contains("AvailabilityZone") == true)
        let wrongType = try await call("ec2.CreateVolume", ["AvailabilityZone": "us-east-1a", "Size": "1"])
        #expect(wrongType["error"]?["data"]?["code"] == "InvalidParameterType")
    }

    @Test("a member no parameter has answers -32602 UnknownParameter naming it, at any depth")
    func unknownParameter() async throws {
        let typo = try await call(
            "ec2.CreateVolume", ["AvailabilityZone": "us-east-1a", "Size": 1, "VolumeTyp": "gp2"])
        #expect(typo["error"]?["code"] == .int(RPCErrorObject.invalidParamsCode))
        #expect(typo["error"]?["data"]?["code"] == "UnknownParameter")
        #expect(typo["error"]?["message"]?.stringValue?.contains("The parameter VolumeTyp is not recognized") == true)
        let nested = try await call(
            "ec2.CreateVolume",
            [
                "AvailabilityZone": "us-east-1a", "Size": 1,
                "TagSpecifications": [
                    ["ResourceType": "volume", "Tags": [["Key": "a", "Value": "b", "Colour": "red"]]]
                ],
            ])
        #expect(nested["error"]?["message"]?.stringValue?.contains("TagSpecifications[0].Tags[0].Colour") == true)
        let statusWithJunk = try await call("daemon.Status", ["Verbose": true])
        #expect(statusWithJunk["error"]?["data"]?["code"] == "UnknownParameter")
        #expect(
            try await cloud.volumes.describeVolumes(DescribeVolumesRequest()).volumes.isEmpty, "nothing was created")
    }

    @Test("an unknown method answers -32601")
    func unknownMethod() async throws {
        let response = try await call("ec2.LaunchRockets")
        #expect(response["error"]?["code"] == .int(RPCErrorObject.methodNotFoundCode))
        #expect(response["error"]?["data"]?["code"] == "InvalidAction")
    }

    @Test("an invalid envelope answers -32600")
    func invalidRequest() async throws {
        let response = try #require(try await respond(["id": 5, "method": "daemon.Status"]))
        #expect(response["id"] == 5)
        #expect(response["error"]?["code"] == .int(RPCErrorObject.invalidRequestCode))
    }

    @Test("a notification is served but not answered")
    func notification() async throws {
        #expect(
            try await respond([
                "jsonrpc": "2.0", "method": "ec2.CreateVolume",
                "params": ["AvailabilityZone": "us-east-1a", "Size": 1],
            ])
                == nil)
        let volumes = try await call("ec2.DescribeVolumes")
        guard case .array(let list)? = volumes["result"]?["Volumes"] else {
            Issue.record("no Volumes in \(volumes)")
            return
        }
        #expect(list.count == 1)
    }

    @Test("a batch answers each request in order and skips notifications")
    func batch() async throws {
        let response = try #require(
            try await respond([
                ["jsonrpc": "2.0", "id": 1, "method": "daemon.Status"],
                ["jsonrpc": "2.0", "method": "daemon.Status"],
                ["jsonrpc": "2.0", "id": 2, "method": "nope"],
            ]))
        guard case .array(let answers) = response else {
            Issue.record("not an array: \(response)")
            return
        }
        #expect(answers.map { $0["id"] } == [1, 2])
        #expect(answers[0]["result"] != nil)
        #expect(answers[1]["error"]?["code"] == .int(RPCErrorObject.methodNotFoundCode))
        #expect(try await respond([["jsonrpc": "2.0", "method": "daemon.Status"]]) == nil)
        let empty = try #require(try await respond([]))
        #expect(empty["error"]?["code"] == .int(RPCErrorObject.invalidRequestCode))
    }

    @Test("a payload sent to a method that takes none is refused")
    func payloadRefused() async throws {
        let bytes = try #require(
            await cloud.processor.respond(
                to: ["jsonrpc": "2.0", "id": 1, "method": "daemon.Status"], payloadLength: 10))
        let response = try JSONParser.parse(bytes.line)
        #expect(response["error"]?["code"] == .int(RPCErrorObject.invalidParamsCode))
    }

    @Test("regions and zones of the standard catalog")
    func regions() async throws {
        let regions = try cloud.regions.describeRegions(DescribeRegionsRequest())
        #expect(regions.regions.map(\.regionName) == ["us-east-1"])
        let zones = try cloud.regions.describeAvailabilityZones(DescribeAvailabilityZonesRequest())
        #expect(zones.availabilityZones.map(\.zoneName) == ["us-east-1a", "us-east-1b", "us-east-1c"])
        let filtered = try cloud.regions.describeAvailabilityZones(
            DescribeAvailabilityZonesRequest(filters: [Filter(name: "zone-id", values: ["use1-az2"])]))
        #expect(filtered.availabilityZones.map(\.zoneName) == ["us-east-1b"])
        #expect(
            thrown { () throws(CloudError) in
                try self.cloud.regions.describeAvailabilityZones(
                    DescribeAvailabilityZonesRequest(zoneNames: ["us-east-1z"]))
            }?.code == "InvalidZone.NotFound")
        #expect(
            thrown { () throws(CloudError) in
                try self.cloud.regions.describeRegions(DescribeRegionsRequest(regionNames: ["mars-1"]))
            }?.code == "InvalidParameterValue")
    }
}
