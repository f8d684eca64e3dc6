import API
import Foundation
import IaasTesting
import Testing

/// Instances through the real daemon: real guests (the default AMI under QEMU/TCG), AWS's lifecycle, the
/// addresses and the root volume.
@Suite("EC2 instances")
struct InstanceLifecycleTests {
    @Test func anInstanceRunsStopsStartsAndTerminates() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let launched = try await client.runInstance(image: fixture.image)
            #expect(launched.state == InstanceStateValue(code: 0, name: "pending"))
            #expect(launched.privateIpAddress == "172.31.0.4")
            #expect(launched.privateDnsName == "ip-172-31-0-4.ec2.internal")
            #expect(launched.placement.availabilityZone == "us-east-1a" && launched.instanceType == "t3.micro")
            let rootVolume = try #require(launched.blockDeviceMappings.first?.ebs.volumeId)

            let running = try await client.waitForInstance(launched.instanceId, state: "running")
            let publicIp = try #require(running.publicIpAddress)
            #expect(publicIp.hasPrefix("198.18.0."))
            #expect(
                running.publicDnsName
                    == "ec2-\(publicIp.replacingOccurrences(of: ".", with: "-")).compute-1.amazonaws.com")
            #expect(running.blockDeviceMappings.first?.ebs.status == "attached")
            let console = try await client.call(
                Methods.getConsoleOutput, GetConsoleOutputRequest(instanceId: launched.instanceId))
            let text = String(decoding: Data(base64Encoded: console.output) ?? Data(), as: UTF8.self)
            #expect(
                text.contains("iaas-guest: ready hostname=ip-172-31-0-4 address=172.31.0.4 root=mounted"), "\(text)")
            // The guest's HTTP page, through its forwarded port on the host's loopback.
            #expect(running.networkMode == "user")
            let port = try #require(running.localHttpPort)
            #expect(LoopbackHTTP.get(port: port) == "hello from ip-172-31-0-4 (172.31.0.4)\n")
            let checks = try await client.call(
                Methods.describeInstanceStatus, DescribeInstanceStatusRequest(instanceIds: [launched.instanceId])
            ).instanceStatuses
            #expect(checks.map(\.systemStatus.status) == ["ok"] && checks.map(\.instanceStatus.status) == ["ok"])
            #expect(
                checks.first?.instanceStatus.details == [InstanceStatusDetails(name: "reachability", status: "passed")])
            let volume = try await client.call(
                Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [rootVolume])
            ).volumes[0]
            #expect(volume.state == "in-use" && volume.size == 8)

            // Data on the root volume outlives a stop and start.
            let shell = try fixture.shell(launched.instanceId)
            _ = try await shell.run("echo kept > /mnt/root/note && sync")
            let stopping = try await client.call(
                Methods.stopInstances, StopInstancesRequest(instanceIds: [launched.instanceId]))
            #expect(stopping.stoppingInstances.first?.currentState.name == "stopping")
            let stopped = try await client.waitForInstance(launched.instanceId, state: "stopped")
            #expect(stopped.publicIpAddress == nil && stopped.publicDnsName.isEmpty)
            #expect(stopped.privateIpAddress == "172.31.0.4")
            #expect(stopped.stateReason?.code == "Client.UserInitiatedShutdown")
            #expect(stopped.stateTransitionReason.hasPrefix("User initiated ("))
            #expect(fixture.machines().isEmpty)
            // A stopped instance has no checks, unless all instances are asked for.
            let quiet = try await client.call(Methods.describeInstanceStatus, DescribeInstanceStatusRequest())
            #expect(quiet.instanceStatuses.isEmpty)
            let all = try await client.call(
                Methods.describeInstanceStatus,
                DescribeInstanceStatusRequest(
                    filters: [Filter(name: "instance-state-name", values: ["stopped"])], includeAllInstances: true))
            #expect(all.instanceStatuses.map(\.instanceId) == [launched.instanceId])
            #expect(all.instanceStatuses.first?.systemStatus.status == "not-applicable")

            _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [launched.instanceId]))
            let again = try await client.waitForInstance(launched.instanceId, state: "running")
            #expect(again.publicIpAddress != nil && again.publicIpAddress != publicIp, "a new public address")
            #expect(try await fixture.shell(launched.instanceId).run("cat /mnt/root/note") == "kept")

            let terminating = try await client.call(
                Methods.terminateInstances, InstanceIdsRequest(instanceIds: [launched.instanceId]))
            #expect(terminating.terminatingInstances.first?.currentState.name == "shutting-down")
            let terminated = try await client.waitForInstance(launched.instanceId, state: "terminated")
            #expect(terminated.publicIpAddress == nil && terminated.blockDeviceMappings.isEmpty)
            #expect(
                await awsCode {
                    _ = try await client.call(Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [rootVolume]))
                } == "InvalidVolume.NotFound")
            #expect(fixture.machines().isEmpty)
            // A terminated instance's address is free again.
            let next = try await client.runInstance(image: fixture.image)
            #expect(next.privateIpAddress == "172.31.0.4")
            _ = try await client.call(Methods.terminateInstances, InstanceIdsRequest(instanceIds: [next.instanceId]))
            try await client.waitForInstance(next.instanceId, state: "terminated")
            await fixture.stop()
        }
    }

    @Test func aRunningInstanceSurvivesADaemonRestartAndItsMachineEndingIsSeen() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let launched = try await fixture.client.runInstance(image: fixture.image, zone: "us-east-1b")
            #expect(launched.privateIpAddress == "172.31.16.4")
            try await fixture.client.waitForInstance(launched.instanceId, state: "running")
            let pid = try #require(fixture.machines().first)

            try await fixture.restart()
            let after = try await fixture.client.instance(launched.instanceId)
            #expect(after.state.name == "running")
            #expect(fixture.machines() == [pid], "the same QEMU, re-attached")
            #expect(try await fixture.shell(launched.instanceId).run("hostname") == "ip-172-31-16-4")

            // The guest powers itself off: stopped, by its own doing.
            _ = try? await fixture.shell(launched.instanceId).run("poweroff -f", timeout: .seconds(2))
            let stopped = try await fixture.client.waitForInstance(
                launched.instanceId, state: "stopped", timeout: .seconds(30))
            #expect(stopped.stateReason?.code == "Client.InstanceInitiatedShutdown")

            // kill -9 of its QEMU: stopped, with the internal-error reason.
            _ = try await fixture.client.call(
                Methods.startInstances, InstanceIdsRequest(instanceIds: [launched.instanceId]))
            try await fixture.client.waitForInstance(launched.instanceId, state: "running")
            let machine = try #require(fixture.machines().first)
            kill(machine, SIGKILL)
            let killed = try await fixture.client.waitForInstance(
                launched.instanceId, state: "stopped", timeout: .seconds(30))
            #expect(killed.stateReason?.code == "Server.InternalError")

            // A machine that dies while the daemon is away is recorded at the next start.
            _ = try await fixture.client.call(
                Methods.startInstances, InstanceIdsRequest(instanceIds: [launched.instanceId]))
            try await fixture.client.waitForInstance(launched.instanceId, state: "running")
            await fixture.client.close()
            fixture.daemon.kill()
            for machine in fixture.machines() { kill(machine, SIGKILL) }
            try await Task.sleep(for: .milliseconds(300))
            try await fixture.restart()
            let away = try await fixture.client.instance(launched.instanceId)
            #expect(away.state.name == "stopped" && away.stateReason?.code == "Server.InternalError")
            #expect(away.stateReason?.message.contains("while iaasd was not running") == true)
            await fixture.stop()
        }
    }

    @Test func badInstanceRequestsGetAWSErrors() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            func run(_ request: RunInstancesRequest) async -> String? {
                await awsCode { _ = try await client.call(Methods.runInstances, request) }
            }
            let image = fixture.image
            #expect(await run(RunInstancesRequest(imageId: "ami-0123456789abcdef0")) == "InvalidAMIID.NotFound")
            #expect(await run(RunInstancesRequest(imageId: "ami-nope")) == "InvalidAMIID.Malformed")
            #expect(await run(RunInstancesRequest(imageId: image, instanceType: "t9.huge")) == "InvalidParameterValue")
            #expect(
                await run(RunInstancesRequest(imageId: image, placement: Placement(availabilityZone: "mars-1a")))
                    == "InvalidParameterValue")
            #expect(await run(RunInstancesRequest(imageId: image, minCount: 3, maxCount: 2)) == "InvalidParameterValue")
            #expect(
                await run(RunInstancesRequest(imageId: image, instanceType: "m5.xlarge", minCount: 50, maxCount: 50))
                    == "InsufficientInstanceCapacity")
            let oversized = Data(repeating: 65, count: 16 << 10 + 1).base64EncodedString()
            #expect(await run(RunInstancesRequest(imageId: image, userData: oversized)) == "InvalidParameterValue")
            #expect(await run(RunInstancesRequest(imageId: image, userData: "not base64!")) == "InvalidParameterValue")
            #expect(
                await run(RunInstancesRequest(imageId: image, subnetId: "subnet-00000000000000bad"))
                    == "InvalidSubnetID.NotFound")
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.stopInstances, StopInstancesRequest(instanceIds: ["i-0123456789abcdef0"]))
                } == "InvalidInstanceID.NotFound")
            #expect(
                await awsCode {
                    _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: ["i-xyz"]))
                } == "InvalidInstanceID.Malformed")
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.describeInstances,
                        DescribeInstancesRequest(filters: [Filter(name: "color", values: ["red"])]))
                } == "InvalidParameterValue")
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.describeInstanceStatus,
                        DescribeInstanceStatusRequest(filters: [Filter(name: "instance-type", values: ["t3.micro"])]))
                } == "InvalidParameterValue")
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.describeInstanceStatus,
                        DescribeInstanceStatusRequest(instanceIds: ["i-0123456789abcdef0"]))
                } == "InvalidInstanceID.NotFound")
            // Nothing was launched by any of these.
            #expect(try await client.call(Methods.describeInstances, DescribeInstancesRequest()).reservations.isEmpty)
            #expect(try await client.call(Methods.describeVolumes, DescribeVolumesRequest()).volumes.isEmpty)

            // Actions in the wrong state: a pending instance cannot be stopped, a terminated one not started.
            let instance = try await client.runInstance(image: image)
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.stopInstances, StopInstancesRequest(instanceIds: [instance.instanceId]))
                } == "IncorrectInstanceState")
            _ = try await client.call(
                Methods.terminateInstances, InstanceIdsRequest(instanceIds: [instance.instanceId]))
            try await client.waitForInstance(instance.instanceId, state: "terminated")
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.startInstances, InstanceIdsRequest(instanceIds: [instance.instanceId]))
                } == "IncorrectInstanceState")
            #expect(
                await awsCode {
                    _ = try await client.call(
                        Methods.rebootInstances, InstanceIdsRequest(instanceIds: [instance.instanceId]))
                } == "IncorrectInstanceState")
            #expect(fixture.machines().isEmpty)
            await fixture.stop()
        }
    }

    @Test func imagesAndInstanceTypesAreDescribed() async throws {
        let fixture = try await ComputeFixture.start()
        let images = try await fixture.client.call(Methods.describeImages, DescribeImagesRequest()).images
        #expect(images.map(\.imageId) == [fixture.image])
        #expect(images.first?.imageOwnerAlias == "amazon" && images.first?.state == "available")
        #expect(
            try await fixture.client.call(
                Methods.describeImages,
                DescribeImagesRequest(filters: [Filter(name: "name", values: ["iaas-default-*"])])
            ).images.count == 1)
        #expect(
            try await fixture.client.call(Methods.describeImages, DescribeImagesRequest(owners: ["self"])).images
                .isEmpty)
        let types = try await fixture.client.call(
            Methods.describeInstanceTypes, DescribeInstanceTypesRequest(instanceTypes: ["m5d.large"])
        ).instanceTypes
        #expect(types.first?.vCpuInfo.defaultVCpus == 2 && types.first?.memoryInfo.sizeInMiB == 8192)
        #expect(types.first?.instanceStorageInfo?.totalSizeInGB == 75)
        await fixture.stop()
    }
}
