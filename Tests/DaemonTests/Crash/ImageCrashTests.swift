import API
import Foundation
import IaasTesting
import Store
import Testing

/// A kernel or ramdisk image under a crash: its file is in place before its row commits, so a crash between
/// leaves a file no image names, which the next start removes; the image never half-exists.
@Suite("Kernel and ramdisk images under crashes")
struct ImageCrashTests {
    @Test func aFileWhoseImageNeverCommittedIsRemovedAtTheNextStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.path + "/data"
        let armed = try await DaemonProcess(dataDirectory: root, crashAt: "image.register.after-file")
        let armedClient = try await armed.client()
        try await armedClient.createBucket("boot-files")
        try await armedClient.putObject(
            "boot-files", "initrd.gz", [0x1f, 0x8b, 0x08, 0x00] + Array(repeating: 7, count: 60))
        _ = await awsCode { _ = try await register(armedClient, "a-ramdisk", location: "boot-files/initrd.gz") }
        #expect(await armed.waitForExit() == CrashPoint.exitStatus)
        #expect(try entries(root + "/images").count == 1, "the file was in place")

        let daemon = try await DaemonProcess(dataDirectory: root)
        let client = try await daemon.client()
        #expect(try await client.call(Methods.describeImages, DescribeImagesRequest(owners: ["self"])).images.isEmpty)
        #expect(try entries(root + "/images").isEmpty)
        // Registered again, it is whole.
        let id = try await register(client, "a-ramdisk", location: "boot-files/initrd.gz")
        #expect(try entries(root + "/images") == [id])
        await client.close()
        #expect(await daemon.terminate() == 0)
    }
}
