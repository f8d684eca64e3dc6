import API
import Foundation
import IaasTesting

/// A user's own initrd, as a test makes one: the default AMI's initramfs with a cpio archive appended
/// (the kernel unpacks the archives in order, so a later file replaces an earlier one).
enum CustomRamdisk {
    /// The default initrd of `imageDirectory` plus `files` (path in the guest → content; mode 0755).
    static func build(imageDirectory: String, files: [String: String]) throws -> [UInt8] {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        for (path, content) in files {
            let url = URL(fileURLWithPath: scratch.path + "/tree/" + path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let cpio = try CommandRun(
            "/bin/sh", ["-c", "cd '\(scratch.path)/tree' && find . | cpio -o -H newc --quiet > ../extra.cpio"])
        guard cpio.status == 0 else { throw CustomRamdiskError(description: "cpio failed: \(cpio.stderr)") }
        let base = try Data(contentsOf: URL(fileURLWithPath: imageDirectory + "/initrd.img"))
        let extra = try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/extra.cpio"))
        return [UInt8](base + extra)
    }

    /// Uploads `kernel` (the default one when nil) and `ramdisk` to S3 and registers them and a machine image
    /// booting them on a blank root volume; returns the machine image's id.
    static func registerMachineImage(
        _ client: IaasClient, name: String, imageDirectory: String, ramdisk: [UInt8]
    ) async throws -> (image: String, kernel: String, ramdisk: String) {
        let bucket = "boot-\(name)"
        try await client.createBucket(bucket)
        let kernel = try [UInt8](Data(contentsOf: URL(fileURLWithPath: imageDirectory + "/vmlinux")))
        try await client.putObject(bucket, "vmlinux", kernel)
        try await client.putObject(bucket, "initrd.img", ramdisk)
        let kernelId = try await register(client, "\(name)-kernel", location: "\(bucket)/vmlinux")
        let ramdiskId = try await register(client, "\(name)-ramdisk", location: "s3://\(bucket)/initrd.img")
        // A blank root volume: the default init finds no file system on it, says root=absent and runs on.
        let root = try await client.waitForSnapshot(
            try await client.createSnapshot(try await client.newVolume()).snapshotId)
        let imageId = try await client.call(
            Methods.registerImage,
            RegisterImageRequest(
                name: "\(name)-machine",
                blockDeviceMappings: [
                    BlockDeviceMapping(deviceName: "/dev/xvda", ebs: EbsBlockDevice(snapshotId: root.snapshotId))
                ], kernelId: kernelId, ramdiskId: ramdiskId)
        ).imageId
        return (imageId, kernelId, ramdiskId)
    }
}

struct CustomRamdiskError: Error, CustomStringConvertible {
    var description: String
}
