import API
import Foundation
import IaasTesting
import Testing

/// Custom AMIs: CreateImage snapshots an instance's root volume and RunInstances restores new instances
/// from it; RegisterImage makes an AMI of any snapshot; launch mappings restore volumes from snapshots.
@Suite("Custom AMIs")
struct CustomImageTests {
    @Test func anImageOfAnInstanceCarriesItsRootFileSystemToNewInstances() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let inspector = DataDirectoryInspector(root: fixture.data)
            let first = try await client.runInstance(image: fixture.image).instanceId
            try await client.waitForInstance(first, state: "running")
            _ = try await fixture.shell(first).run("echo made-on-the-first > /mnt/root/marker && sync")

            let imageId = try await client.call(
                Methods.createImage, CreateImageRequest(instanceId: first, name: "web server (v1)")
            ).imageId
            let image = try await waitForImage(imageId, client)
            #expect(image.state == "available" && image.ownerId == "000000000000" && image.imageOwnerAlias == nil)
            let snapshotId = try #require(image.blockDeviceMappings.first?.ebs.snapshotId)
            let snapshot = try await client.snapshot(snapshotId)
            #expect(snapshot.description == "Created by CreateImage(\(first)) for \(imageId)")
            #expect(try await client.instance(first).state.name == "running", "the instance was paused, not rebooted")

            // A data volume's snapshot, restored by a launch mapping.
            let data = try await client.newVolume()
            try inspector.writeVolume(data, at: 0, Array("a-data-volume".utf8))
            let dataSnapshot = try await client.waitForSnapshot(try await client.createSnapshot(data).snapshotId)

            let second = try await client.call(
                Methods.runInstances,
                RunInstancesRequest(
                    imageId: imageId, instanceType: "t3.micro",
                    blockDeviceMappings: [
                        BlockDeviceMapping(
                            deviceName: "/dev/sdf", ebs: EbsBlockDevice(snapshotId: dataSnapshot.snapshotId))
                    ])
            ).instances[0].instanceId
            try await client.waitForInstance(second, state: "running")
            let shell = try fixture.shell(second)
            #expect(try await shell.run("cat /mnt/root/marker") == "made-on-the-first")
            #expect(try await shell.run("head -c 13 /dev/vdb") == "a-data-volume")
            let root = try #require(
                try await client.instance(second).blockDeviceMappings.first { $0.deviceName == "/dev/xvda" })
            #expect(try await client.volume(root.ebs.volumeId).snapshotId == snapshotId)

            let registered = try await client.call(
                Methods.registerImage,
                RegisterImageRequest(
                    name: "registered",
                    blockDeviceMappings: [
                        BlockDeviceMapping(deviceName: "/dev/xvda", ebs: EbsBlockDevice(snapshotId: snapshotId))
                    ])
            ).imageId
            #expect(try await waitForImage(registered, client).state == "available")
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.createImage, CreateImageRequest(instanceId: second, name: "web server (v1)"))
                } == "InvalidAMIName.Duplicate")
            #expect(
                await awsCode {
                    _ = try await client.call(Methods.deregisterImage, DeregisterImageRequest(imageId: fixture.image))
                } == "AuthFailure")

            #expect(
                await awsCode {
                    _ = try await client.call(Methods.deleteSnapshot, DeleteSnapshotRequest(snapshotId: snapshotId))
                } == "InvalidSnapshot.InUse")
            _ = try await client.call(Methods.deregisterImage, DeregisterImageRequest(imageId: imageId))
            _ = try await client.call(Methods.deregisterImage, DeregisterImageRequest(imageId: registered))
            #expect(
                await awsCode { _ = try await client.runInstance(image: imageId) } == "InvalidAMIID.NotFound")
            _ = try await client.call(Methods.deleteSnapshot, DeleteSnapshotRequest(snapshotId: snapshotId))
            #expect(try await shell.run("cat /mnt/root/marker") == "made-on-the-first", "instances keep their volumes")
            await fixture.stop()
        }
    }

    @Test func aRawDiskImportedFromS3BootsAsAnAMI() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            // A root file system of our own: an ext4 image with a marker, as a user would bring one.
            let scratch = try TemporaryDirectory()
            defer { scratch.remove() }
            try FileManager.default.createDirectory(
                atPath: scratch.path + "/disk/etc", withIntermediateDirectories: true)
            try Data("brought-from-home\n".utf8).write(to: URL(fileURLWithPath: scratch.path + "/disk/marker"))
            let mkfs = try await CommandRun.run(
                "/sbin/mkfs.ext4",
                ["-q", "-F", "-L", "iaas-root", "-d", scratch.path + "/disk", scratch.path + "/root.raw", "64M"])
            #expect(mkfs.status == 0, "\(mkfs.stderr)")
            let image = try [UInt8](Data(contentsOf: URL(fileURLWithPath: scratch.path + "/root.raw")))
            try await client.createBucket("vm-import")
            try await client.putObject("vm-import", "root.raw", image)

            let task = try await SnapshotImportTests.importImage(client, bucket: "vm-import", key: "root.raw")
            let detail = try await SnapshotImportTests.waitForImport(client, task.importTaskId)
            let snapshotId = try #require(detail.snapshotId, "\(detail)")
            let imageId = try await client.call(
                Methods.registerImage,
                RegisterImageRequest(
                    name: "imported-root",
                    blockDeviceMappings: [
                        BlockDeviceMapping(deviceName: "/dev/xvda", ebs: EbsBlockDevice(snapshotId: snapshotId))
                    ])
            ).imageId
            #expect(try await waitForImage(imageId, client).state == "available")
            let instance = try await client.runInstance(image: imageId).instanceId
            try await client.waitForInstance(instance, state: "running")
            #expect(try await fixture.shell(instance).run("cat /mnt/root/marker") == "brought-from-home")
            await fixture.stop()
        }
    }

    @Test func registerImageAndTheRulesOfNames() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let volume = try await client.newVolume(size: 2)
        let snapshot = try await client.waitForSnapshot(try await client.createSnapshot(volume).snapshotId)
        func register(_ name: String, _ mappings: [BlockDeviceMapping]?) async -> String? {
            await awsCode {
                _ = try await client.call(
                    Methods.registerImage, RegisterImageRequest(name: name, blockDeviceMappings: mappings))
            }
        }
        let root = [BlockDeviceMapping(deviceName: "/dev/xvda", ebs: EbsBlockDevice(snapshotId: snapshot.snapshotId))]
        #expect(await register("ok", root) == "InvalidAMIName.Malformed")
        #expect(await register("bad*name", root) == "InvalidAMIName.Malformed")
        #expect(await register("no-mapping", nil) == "InvalidBlockDeviceMapping")
        #expect(
            await register(
                "too-small",
                [
                    BlockDeviceMapping(
                        deviceName: "/dev/xvda", ebs: EbsBlockDevice(volumeSize: 1, snapshotId: snapshot.snapshotId))
                ]) == "InvalidBlockDeviceMapping")
        #expect(
            await register(
                "missing",
                [BlockDeviceMapping(deviceName: "/dev/xvda", ebs: EbsBlockDevice(snapshotId: "snap-0123456789abcdef0"))]
            )
                == "InvalidSnapshot.NotFound")
        // The daemon fixture has no built-in AMI to take a kernel from: a clear error.
        #expect(await register("registered", root) == "InvalidParameterValue")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.deregisterImage, DeregisterImageRequest(imageId: "ami-0123456789abcdef0"))
            } == "InvalidAMIID.NotFound")
        #expect(
            await awsCode {
                _ = try await client.call(
                    Methods.createImage, CreateImageRequest(instanceId: "i-0123456789abcdef0", name: "an image"))
            } == "InvalidInstanceID.NotFound")
        await fixture.stop()
    }

    private func waitForImage(_ id: String, _ client: IaasClient) async throws -> Image {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            let image = try await client.call(Methods.describeImages, DescribeImagesRequest(imageIds: [id])).images[0]
            if image.state != "pending" || ContinuousClock.now > deadline { return image }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
