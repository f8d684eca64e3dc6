import API
import Foundation
import IaasTesting
import Testing

/// RunInstances' BlockDeviceMappings: a bigger root that outlives the instance, an extra empty volume the
/// guest sees at boot and that goes with the instance, and AWS's errors for mappings it refuses.
@Suite("Block device mappings at launch")
struct LaunchBlockDeviceTests {
    @Test func aLaunchMakesTheMappedVolumesAndTerminationKeepsOnlyTheKeptOnes() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let request = RunInstancesRequest(
                imageId: fixture.image,
                blockDeviceMappings: [
                    BlockDeviceMapping(
                        deviceName: "/dev/xvda", ebs: EbsBlockDevice(volumeSize: 10, deleteOnTermination: false)),
                    BlockDeviceMapping(deviceName: "/dev/sdf", ebs: EbsBlockDevice(volumeSize: 2, volumeType: "gp2")),
                ],
                tagSpecifications: [TagSpecification(resourceType: "volume", tags: [Tag(key: "team", value: "db")])])
            let launched = try await client.call(Methods.runInstances, request).instances[0]
            #expect(launched.blockDeviceMappings.map(\.deviceName) == ["/dev/sdf", "/dev/xvda"])
            let byDevice = Dictionary(
                uniqueKeysWithValues: launched.blockDeviceMappings.map { ($0.deviceName, $0.ebs) })
            let root = try #require(byDevice["/dev/xvda"])
            let data = try #require(byDevice["/dev/sdf"])
            #expect(!root.deleteOnTermination && data.deleteOnTermination)

            try await client.waitForInstance(launched.instanceId, state: "running")
            let described = try await client.call(
                Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [root.volumeId, data.volumeId])
            ).volumes.sorted { $0.size > $1.size }
            #expect(described.map(\.size) == [10, 2] && described.map(\.volumeType) == ["gp3", "gp2"])
            #expect(described.allSatisfy { $0.state == "in-use" && $0.attachments.first?.state == "attached" })
            #expect(described.allSatisfy { $0.tags == [Tag(key: "team", value: "db")] })
            // The guest sees the empty volume at boot (2 GiB: 4,194,304 sectors) and its root as before.
            let shell = try fixture.shell(launched.instanceId)
            #expect(try await shell.run("cat /sys/block/vdb/size") == "4194304")
            #expect(try await shell.run("cat /sys/block/vda/size") == String(10 << 21))
            _ = try await shell.run("echo on-the-root > /mnt/root/note && sync")

            _ = try await client.call(
                Methods.terminateInstances, InstanceIdsRequest(instanceIds: [launched.instanceId]))
            try await client.waitForInstance(launched.instanceId, state: "terminated")
            let kept = try await client.call(
                Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [root.volumeId])
            ).volumes
            #expect(kept.map(\.state) == ["available"])
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [data.volumeId]))
                } == "InvalidVolume.NotFound")
            await fixture.stop()
        }
    }

    @Test func badMappingsGetAWSErrorsAndLaunchNothing() async throws {
        let fixture = try await ComputeFixture.start()
        let client = fixture.client
        func run(_ mappings: [BlockDeviceMapping], type: String? = nil) async -> String? {
            await awsCode {
                _ = try await client.call(
                    Methods.runInstances,
                    RunInstancesRequest(imageId: fixture.image, instanceType: type, blockDeviceMappings: mappings))
            }
        }
        let small = EbsBlockDevice(volumeSize: 1)
        #expect(
            await run([BlockDeviceMapping(deviceName: "/dev/xvda", ebs: EbsBlockDevice(volumeSize: 4))])
                == "InvalidBlockDeviceMapping")
        #expect(
            await run([
                BlockDeviceMapping(deviceName: "/dev/sdf", ebs: small),
                BlockDeviceMapping(deviceName: "/dev/sdf", ebs: small),
            ]) == "InvalidBlockDeviceMapping")
        #expect(
            await run([BlockDeviceMapping(deviceName: "/dev/sdf", ebs: EbsBlockDevice())])
                == "InvalidBlockDeviceMapping")
        #expect(await run([BlockDeviceMapping(deviceName: "/dev/sdf")]) == "InvalidBlockDeviceMapping")
        #expect(await run([BlockDeviceMapping(deviceName: "/dev/xvda", noDevice: "")]) == "InvalidBlockDeviceMapping")
        #expect(
            await run([BlockDeviceMapping(deviceName: "/dev/sdb", virtualName: "ephemeral99")])
                == "InvalidBlockDeviceMapping")
        #expect(await run([BlockDeviceMapping(deviceName: "/dev/hda", ebs: small)]) == "InvalidParameterValue")
        #expect(
            await run([
                BlockDeviceMapping(deviceName: "/dev/sdf", ebs: EbsBlockDevice(volumeSize: 1, volumeType: "io9"))
            ])
                == "InvalidParameterValue")
        #expect(
            await run([
                BlockDeviceMapping(deviceName: "/dev/sdf", ebs: EbsBlockDevice(snapshotId: "snap-0123456789abcdef0"))
            ])
                == "InvalidSnapshot.NotFound")
        let many = (0..<20).map {
            BlockDeviceMapping(deviceName: "/dev/sd\(Character(UnicodeScalar(102 + $0)!))", ebs: small)
        }
        #expect(await run(many) == "AttachmentLimitExceeded")
        #expect(try await client.call(Methods.describeInstances, DescribeInstancesRequest()).reservations.isEmpty)
        #expect(try await client.call(Methods.describeVolumes, DescribeVolumesRequest()).volumes.isEmpty)
        await fixture.stop()
    }
}
