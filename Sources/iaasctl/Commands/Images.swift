import API
import ArgumentParser
import Foundation

extension Iaasctl {
    struct CreateImage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an AMI of an instance: its root volume snapshotted with the guest paused, never rebooted.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The instance (running or stopped).")
        var instanceId: String

        @Option(help: "The AMI's name: 3 to 128 letters, digits, spaces and ( ) [ ] . / - ' @ _.")
        var name: String

        @Option(help: "A description of up to 255 characters.")
        var description: String?

        @Option(parsing: .upToNextOption, help: "ResourceType=image|snapshot,Tags=[{Key=K,Value=V}]")
        var tagSpecifications: [String] = []

        func run() async throws {
            let request = CreateImageRequest(
                instanceId: instanceId, name: name, description: description,
                tagSpecifications: tagSpecifications.isEmpty
                    ? nil : try tagSpecifications.map(Shorthand.tagSpecification))
            try await Invocation(options: global).run(Methods.createImage, request) { result in
                Table(headers: ["IMAGE-ID"], rows: [[result.imageId]])
            }
        }
    }

    struct RegisterImage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Register an AMI whose root volume is restored from a snapshot, or a kernel or ramdisk image read from S3."
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The AMI's name.")
        var name: String

        @Option(help: "A description of up to 255 characters.")
        var description: String?

        @Option(help: "The root device (/dev/xvda).")
        var rootDeviceName: String?

        @Option(
            parsing: .upToNextOption,
            help: "DeviceName=/dev/xvda,Ebs={SnapshotId=snap-…,VolumeSize=N} (the root device's mapping).")
        var blockDeviceMappings: [String] = []

        @Option(help: "The kernel image (aki-…) the AMI boots; the default AMI's kernel without it.")
        var kernelId: String?

        @Option(help: "The ramdisk image (ari-…) the AMI boots as its initrd.")
        var ramdiskId: String?

        @Option(
            help:
                "bucket/key of an S3 object to register as a kernel image (an x86-64 vmlinux with a PVH entry) or a ramdisk image (an initramfs)."
        )
        var imageLocation: String?

        func run() async throws {
            let request = RegisterImageRequest(
                name: name, description: description, rootDeviceName: rootDeviceName,
                blockDeviceMappings: blockDeviceMappings.isEmpty
                    ? nil : try blockDeviceMappings.map(Shorthand.blockDeviceMapping), kernelId: kernelId,
                ramdiskId: ramdiskId, imageLocation: imageLocation)
            try await Invocation(options: global).run(Methods.registerImage, request) { result in
                Table(headers: ["IMAGE-ID"], rows: [[result.imageId]])
            }
        }
    }

    struct DeregisterImage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Deregister an AMI, kernel or ramdisk image; its snapshot and the instances launched from it stay.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The AMI to deregister.")
        var imageId: String

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.deregisterImage, DeregisterImageRequest(imageId: imageId)
            ) { _ in Table(headers: ["DEREGISTERED"], rows: [[imageId]]) }
        }
    }
}
