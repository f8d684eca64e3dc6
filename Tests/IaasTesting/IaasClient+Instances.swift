import API

/// EC2 instance calls as tests and benchmarks make them.
extension IaasClient {
    /// Launches one instance of `image`; returns it as RunInstances answered (`pending`).
    public func runInstance(
        image: String, type: String = "t3.micro", zone: String? = nil, userData: String? = nil
    ) async throws -> Instance {
        let reservation = try await call(
            Methods.runInstances,
            RunInstancesRequest(
                imageId: image, instanceType: type, placement: zone.map { Placement(availabilityZone: $0) },
                userData: userData))
        return reservation.instances[0]
    }

    public func instance(_ id: String) async throws -> Instance {
        let result = try await call(Methods.describeInstances, DescribeInstancesRequest(instanceIds: [id]))
        return result.reservations[0].instances[0]
    }

    /// Polls DescribeInstances until the instance is in `state` (as `aws ec2 wait` does); throws at the
    /// timeout, naming the state it was in.
    @discardableResult
    public func waitForInstance(_ id: String, state: String, timeout: Duration = .seconds(120)) async throws
        -> Instance
    {
        let deadline = ContinuousClock.now + timeout
        var last = try await instance(id)
        while last.state.name != state {
            guard ContinuousClock.now < deadline else {
                throw GuestShellError(
                    description:
                        "instance \(id) is \(last.state.name), not \(state): \(last.stateReason?.message ?? "")")
            }
            try await Task.sleep(for: .milliseconds(100))
            last = try await instance(id)
        }
        return last
    }

    /// The default (x86-64) AMI's id, from DescribeImages.
    public func defaultImage() async throws -> String {
        let images = try await call(
            Methods.describeImages,
            DescribeImagesRequest(owners: ["amazon"], filters: [Filter(name: "architecture", values: ["x86_64"])]))
        guard let image = images.images.first else { throw NoDefaultImage() }
        return image.imageId
    }
}

/// DescribeImages found no built-in x86-64 AMI (the daemon was started without `--image-directory`).
public struct NoDefaultImage: Error {}
