import API
import Foundation
import IaasTesting
import Testing

/// A kernel and initrd of one's own: uploaded to S3, registered as kernel (`aki-`) and ramdisk (`ari-`)
/// images, named by a machine image, and booted.
@Suite("Kernel and ramdisk images")
struct BootImageTests {
    @Test func aKernelAndRamdiskOfOnesOwnBootAnInstanceThatOutlivesItsImages() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let ramdisk = try CustomRamdisk.build(
                imageDirectory: fixture.imageDirectory, files: ["etc/own-ramdisk": "built-at-home\n"])
            let (imageId, kernelId, ramdiskId) = try await CustomRamdisk.registerMachineImage(
                client, name: "own", imageDirectory: fixture.imageDirectory, ramdisk: ramdisk)
            #expect(kernelId.hasPrefix("aki-") && ramdiskId.hasPrefix("ari-"))
            let shown = try await client.call(
                Methods.describeImages, DescribeImagesRequest(imageIds: [kernelId, ramdiskId])
            ).images
            #expect(shown.map(\.imageType) == ["kernel", "ramdisk"])
            #expect(shown.map(\.imageLocation) == ["boot-own/vmlinux", "boot-own/initrd.img"])
            #expect(shown.allSatisfy { $0.rootDeviceType == "instance-store" && $0.blockDeviceMappings.isEmpty })
            let kernels = try await client.call(
                Methods.describeImages,
                DescribeImagesRequest(owners: ["self"], filters: [Filter(name: "image-type", values: ["kernel"])])
            ).images
            #expect(kernels.map(\.imageId) == [kernelId])
            let image = try await client.call(Methods.describeImages, DescribeImagesRequest(imageIds: [imageId]))
                .images[0]
            #expect(image.kernelId == kernelId && image.ramdiskId == ramdiskId && image.imageType == "machine")

            let instance = try await client.runInstance(image: imageId).instanceId
            try await client.waitForInstance(instance, state: "running")
            #expect(try await fixture.shell(instance).run("cat /etc/own-ramdisk") == "built-at-home")
            let description = try String(
                contentsOfFile: fixture.data + "/run/\(instance)/machine.json", encoding: .utf8)
            #expect(description.replacingOccurrences(of: "\\/", with: "/").contains("/images/\(kernelId)/kernel"))

            // Deregistered, the images are gone from view; the instance keeps booting their files.
            for id in [imageId, kernelId, ramdiskId] {
                _ = try await client.call(Methods.deregisterImage, DeregisterImageRequest(imageId: id))
            }
            #expect(
                await awsCode {
                    _ = try await client.call(Methods.describeImages, DescribeImagesRequest(imageIds: [kernelId]))
                } == "InvalidAMIID.NotFound")
            _ = try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [instance]))
            try await client.waitForInstance(instance, state: "stopped")
            _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [instance]))
            try await client.waitForInstance(instance, state: "running")
            #expect(try await fixture.shell(instance).run("cat /etc/own-ramdisk") == "built-at-home")

            // Terminated, nothing boots the files any more: the next start removes them.
            _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [instance]))
            try await client.waitForInstance(instance, state: "terminated")
            #expect(try entries(fixture.data + "/images").count == 2)
            try await fixture.restart()
            #expect(try entries(fixture.data + "/images").isEmpty)
            await fixture.stop()
        }
    }

    @Test func whatIsNotAKernelOrRamdiskIsRefusedAndLeavesNothing() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        try await client.createBucket("boot-files")
        try await client.putObject("boot-files", "notes.txt", Array("not a kernel\n".utf8))
        try await client.putObject("boot-files", "empty", [])
        var bzImage = [UInt8](repeating: 0, count: 4096)
        bzImage.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
        try await client.putObject("boot-files", "vmlinuz", bzImage)
        try await client.putObject(
            "boot-files", "sh", try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/bin/sh"))))
        try await client.putObject(
            "boot-files", "initrd.gz", [0x1f, 0x8b, 0x08, 0x00] + Array(repeating: 0, count: 60))

        func refusal(_ request: RegisterImageRequest) async -> (code: String, message: String)? {
            do {
                _ = try await client.call(Methods.registerImage, request)
                return nil
            } catch let error as RPCErrorObject {
                return (error.awsCode ?? "", error.message)
            } catch {
                return ("unexpected", "\(error)")
            }
        }
        func located(_ location: String) async -> (code: String, message: String)? {
            await refusal(RegisterImageRequest(name: "boot file", imageLocation: location))
        }
        #expect(await located("boot-files")?.code == "InvalidManifest")
        #expect(await located("no-such-bucket/vmlinux")?.code == "InvalidManifest")
        #expect(await located("boot-files/missing")?.code == "InvalidManifest")
        #expect(await located("boot-files/empty")?.message.contains("1 byte to 1 GiB") == true)
        #expect(await located("boot-files/notes.txt")?.message.contains("neither") == true)
        #expect(await located("boot-files/vmlinuz")?.message.contains("bzImage") == true)
        #expect(await located("boot-files/sh")?.message.contains("PVH") == true)
        #expect(
            await refusal(
                RegisterImageRequest(name: "both", kernelId: "aki-0123456789abcdef0", imageLocation: "boot-files/sh"))?
                .code == "InvalidParameterCombination")
        #expect(try entries(fixture.data + "/images").isEmpty, "a refused file is not kept")

        let ramdiskId = try await register(client, "a-ramdisk", location: "boot-files/initrd.gz")
        let snapshot = try await client.waitForSnapshot(
            try await client.createSnapshot(try await client.newVolume()).snapshotId)
        let root = [BlockDeviceMapping(deviceName: "/dev/xvda", ebs: EbsBlockDevice(snapshotId: snapshot.snapshotId))]
        func machine(kernel: String?, ramdisk: String?) async -> String? {
            await refusal(
                RegisterImageRequest(name: "machine", blockDeviceMappings: root, kernelId: kernel, ramdiskId: ramdisk))?
                .code
        }
        #expect(await machine(kernel: "ami-0123456789abcdef0", ramdisk: nil) == "InvalidAMIID.Malformed")
        #expect(await machine(kernel: ramdiskId, ramdisk: nil) == "InvalidAMIID.Malformed")
        #expect(await machine(kernel: "aki-0123456789abcdef0", ramdisk: nil) == "InvalidAMIID.NotFound")
        #expect(await machine(kernel: nil, ramdisk: "ari-0123456789abcdef0") == "InvalidAMIID.NotFound")
        #expect(
            await awsCode { _ = try await client.runInstance(image: ramdiskId) } == "InvalidAMIID.Malformed",
            "a ramdisk is not launched")
        #expect(
            await refusal(RegisterImageRequest(name: "a-ramdisk", imageLocation: "boot-files/initrd.gz"))?.code
                == "InvalidAMIName.Duplicate")
        #expect(try entries(fixture.data + "/images") == [ramdiskId])
        _ = try await client.call(Methods.deregisterImage, DeregisterImageRequest(imageId: ramdiskId))
        #expect(try entries(fixture.data + "/images").isEmpty, "a deregistered ramdisk's file goes")
        await fixture.stop()
    }
}

/// Registers the S3 object at `location` as a kernel or ramdisk image; returns its id.
func register(_ client: IaasClient, _ name: String, location: String) async throws -> String {
    try await client.call(Methods.registerImage, RegisterImageRequest(name: name, imageLocation: location)).imageId
}

/// The names in a directory, sorted (none when it does not exist).
func entries(_ path: String) throws -> [String] {
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
}
