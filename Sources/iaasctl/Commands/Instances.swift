import API
import ArgumentParser
import Foundation

extension Iaasctl {
    static func instanceTable(_ instances: [Instance]) -> Table {
        Table(
            headers: ["INSTANCE-ID", "STATE", "TYPE", "ZONE", "PRIVATE-IP", "PUBLIC-IP", "HTTP", "IMAGE", "TAGS"],
            rows: instances.map { instance in
                [
                    instance.instanceId, instance.state.name, instance.instanceType,
                    instance.placement.availabilityZone ?? "-", instance.privateIpAddress,
                    instance.publicIpAddress ?? "-", instance.localHttpPort.map { "127.0.0.1:\($0)" } ?? "-",
                    instance.imageId,
                    (instance.tags ?? []).map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                ]
            })
    }

    static func returnTable(_ result: ReturnResult) -> Table {
        Table(headers: ["RETURN"], rows: [[String(result.return)]])
    }

    static func stateChangeTable(_ changes: [InstanceStateChange]) -> Table {
        Table(
            headers: ["INSTANCE-ID", "PREVIOUS", "CURRENT"],
            rows: changes.map { [$0.instanceId, $0.previousState.name, $0.currentState.name] })
    }

    struct RunInstances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Launch instances (real VMs) of an image; they start `pending` and boot to `running`.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "The AMI (describe-images lists them).")
        var imageId: String

        @Option(
            help:
                "t3.micro (default), t3.nano … m5.xlarge, c5.large, c5d.large, m5d.large; r32.nano, r32.micro, r32.small for riscv32 AMIs (the classic VMM)."
        )
        var instanceType: String?

        @Option(help: "How many to launch.")
        var count = 1

        @Option(help: "The zone, e.g. us-east-1a (default: the region's first).")
        var availabilityZone: String?

        @Option(help: "User data (text; sent base64-encoded, at most 16 KiB).")
        var userData: String?

        @Option(
            parsing: .upToNextOption,
            help:
                "DeviceName=/dev/sdf,Ebs={VolumeSize=10,VolumeType=gp3,DeleteOnTermination=false} (/dev/xvda: the root)"
        )
        var blockDeviceMappings: [String] = []

        @Option(parsing: .upToNextOption, help: "ResourceType=instance,Tags=[{Key=K,Value=V}]")
        var tagSpecifications: [String] = []

        @Option(help: "Idempotency token: retries with the same token launch once.")
        var clientToken: String?

        @Option(parsing: .upToNextOption, help: "Security groups by id (default: the VPC's default group).")
        var securityGroupIds: [String] = []

        func run() async throws {
            let request = RunInstancesRequest(
                imageId: imageId, instanceType: instanceType, minCount: count, maxCount: count,
                placement: availabilityZone.map { Placement(availabilityZone: $0) },
                userData: userData.map { Data($0.utf8).base64EncodedString() },
                blockDeviceMappings: blockDeviceMappings.isEmpty
                    ? nil : try blockDeviceMappings.map(Shorthand.blockDeviceMapping),
                tagSpecifications: tagSpecifications.isEmpty
                    ? nil : try tagSpecifications.map(Shorthand.tagSpecification),
                clientToken: clientToken, securityGroupIds: securityGroupIds.isEmpty ? nil : securityGroupIds)
            try await Invocation(options: global).run(Methods.runInstances, request) { instanceTable($0.instances) }
        }
    }

    struct DescribeInstances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List instances.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these instances.")
        var instanceIds: [String] = []

        @Option(
            parsing: .upToNextOption,
            help:
                "Name=NAME,Values=V1,V2 (instance-state-name, availability-zone, instance-type, private-ip-address, ip-address, tag:KEY, ...)."
        )
        var filters: [String] = []

        func run() async throws {
            let request = DescribeInstancesRequest(
                instanceIds: instanceIds.isEmpty ? nil : instanceIds,
                filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter))
            try await Invocation(options: global).run(Methods.describeInstances, request) { result in
                instanceTable(result.reservations.flatMap(\.instances))
            }
        }
    }

    struct DescribeInstanceStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the system and instance status checks of running instances.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "Only these instances.")
        var instanceIds: [String] = []

        @Flag(help: "Include instances that are not running (their checks are not-applicable).")
        var includeAllInstances = false

        func run() async throws {
            let request = DescribeInstanceStatusRequest(
                instanceIds: instanceIds.isEmpty ? nil : instanceIds,
                includeAllInstances: includeAllInstances ? true : nil)
            try await Invocation(options: global).run(Methods.describeInstanceStatus, request) { result in
                Table(
                    headers: ["INSTANCE-ID", "ZONE", "STATE", "SYSTEM", "INSTANCE"],
                    rows: result.instanceStatuses.map { status in
                        [
                            status.instanceId, status.availabilityZone, status.instanceState.name,
                            status.systemStatus.status, status.instanceStatus.status,
                        ]
                    })
            }
        }
    }

    struct StartInstances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start stopped instances.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption) var instanceIds: [String]

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.startInstances, InstanceIdsRequest(instanceIds: instanceIds)
            ) { stateChangeTable($0.startingInstances) }
        }
    }

    struct StopInstances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop instances: the guest powers off (or is cut off with --force); EBS data stays.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption) var instanceIds: [String]

        @Flag(help: "Do not wait for the guest to power off.")
        var force = false

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.stopInstances, StopInstancesRequest(instanceIds: instanceIds, force: force ? true : nil)
            ) { stateChangeTable($0.stoppingInstances) }
        }
    }

    struct RebootInstances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reset running instances.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption) var instanceIds: [String]

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.rebootInstances, InstanceIdsRequest(instanceIds: instanceIds)
            ) { returnTable($0) }
        }
    }

    struct TerminateInstances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Terminate instances: their VMs and DeleteOnTermination volumes go.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption) var instanceIds: [String]

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.terminateInstances, InstanceIdsRequest(instanceIds: instanceIds)
            ) { stateChangeTable($0.terminatingInstances) }
        }
    }

    struct GetConsoleOutput: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an instance's serial console (last 64 KiB).")

        @OptionGroup var global: GlobalOptions

        @Option var instanceId: String

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.getConsoleOutput, GetConsoleOutputRequest(instanceId: instanceId)
            ) { result in
                let text = String(decoding: Data(base64Encoded: result.output) ?? Data(), as: UTF8.self)
                return Table(headers: ["OUTPUT"], rows: text.split(whereSeparator: \.isNewline).map { [String($0)] })
            }
        }
    }

    struct DescribeImages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List AMIs.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .upToNextOption, help: "self, amazon, or an account id.")
        var owners: [String] = []

        @Option(
            parsing: .upToNextOption,
            help: "Name=architecture,Values=riscv32 (also name, image-type, state, root-device-type, ...).")
        var filters: [String] = []

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.describeImages,
                DescribeImagesRequest(
                    owners: owners.isEmpty ? nil : owners,
                    filters: filters.isEmpty ? nil : try filters.map(Shorthand.filter))
            ) { result in
                Table(
                    headers: ["IMAGE-ID", "NAME", "TYPE", "ARCHITECTURE", "ROOT", "OWNER", "STATE", "ROOT-SIZE"],
                    rows: result.images.map { image in
                        [
                            image.imageId, image.name, image.imageType, image.architecture, image.rootDeviceType,
                            image.imageOwnerAlias ?? image.ownerId, image.state,
                            image.blockDeviceMappings.first.map { "\($0.ebs.volumeSize) GiB" } ?? "-",
                        ]
                    })
            }
        }
    }

    struct DescribeInstanceTypes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List instance types and what a guest gets here.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Invocation(options: global).run(Methods.describeInstanceTypes, DescribeInstanceTypesRequest()) {
                result in
                Table(
                    headers: ["TYPE", "VCPUS", "MEMORY", "GUEST-MEMORY", "INSTANCE-STORE"],
                    rows: result.instanceTypes.map { type in
                        [
                            type.instanceType, String(type.vCpuInfo.defaultVCpus), "\(type.memoryInfo.sizeInMiB) MiB",
                            "\(type.guestMemoryInMiB) MiB",
                            type.instanceStorageInfo.map { "\($0.totalSizeInGB) GB" } ?? "-",
                        ]
                    })
            }
        }
    }
}

extension Iaasctl {
    static func attachmentTable(_ attachment: VolumeAttachment) -> Table {
        Table(
            headers: ["VOLUME-ID", "INSTANCE-ID", "DEVICE", "STATE"],
            rows: [[attachment.volumeId, attachment.instanceId, attachment.device, attachment.state]])
    }

    struct AttachVolume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attach a volume to an instance of its zone (hot-plugged into a running one).",
            aliases: ["attach"])

        @OptionGroup var global: GlobalOptions

        @Option var volumeId: String

        @Option var instanceId: String

        @Option(help: "The device name, /dev/sdf to /dev/sdp (or /dev/xvdb …).")
        var device: String

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.attachVolume, AttachVolumeRequest(volumeId: volumeId, instanceId: instanceId, device: device)
            ) { attachmentTable($0) }
        }
    }

    struct DetachVolume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Detach a volume (the guest lets go of it first).", aliases: ["detach"])

        @OptionGroup var global: GlobalOptions

        @Option var volumeId: String

        @Option(help: "Only if attached to this instance.")
        var instanceId: String?

        @Flag(help: "Give the guest less time to let go.")
        var force = false

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.detachVolume,
                DetachVolumeRequest(volumeId: volumeId, instanceId: instanceId, force: force ? true : nil)
            ) { attachmentTable($0) }
        }
    }
}

extension Iaasctl {
    struct ModifyInstanceAttribute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Change a stopped instance's type (or user data), taking effect at the next start; or any instance's security groups, at once."
        )

        @OptionGroup var global: GlobalOptions

        @Option var instanceId: String

        @Option(help: "The new instance type.")
        var instanceType: String?

        @Option(help: "New user data (text; sent base64-encoded).")
        var userData: String?

        @Option(parsing: .upToNextOption, help: "The instance's security groups from now on (sg-…).")
        var groups: [String] = []

        func run() async throws {
            let request = ModifyInstanceAttributeRequest(
                instanceId: instanceId, instanceType: instanceType.map { AttributeValue(value: $0) },
                userData: userData.map { AttributeValue(value: Data($0.utf8).base64EncodedString()) },
                groups: groups.isEmpty ? nil : groups)
            try await Invocation(options: global).run(Methods.modifyInstanceAttribute, request) { returnTable($0) }
        }
    }
}
