import API
import Services

/// `POST /_iaas/reset` (with `iaasd --http-reset`): every resource of the cloud goes, for test suites that
/// start each test from nothing. It deletes through the services' own actions, as a client cleaning up
/// would (`TerminateInstances`, `DeleteVolume`, `DeleteObjects`, `DeleteQueue`, …), so each deletion keeps its
/// crash safety: a reset cut short leaves a consistent, smaller cloud, and another reset finishes it.
///
/// Left as AWS leaves them: terminated instances stay listed for an hour, and a deleted queue's name waits
/// its minute (unless `--sqs-no-cooldowns`). Built-in images and the regions are not resources of the user.
struct StateReset: Sendable {
    let processor: RequestProcessor
    let regions: [String]

    /// What went, by kind.
    struct Report: Sendable {
        var counts: [(String, Int)] = []

        var json: JSONValue {
            .object(Dictionary(uniqueKeysWithValues: counts.map { ($0.0, JSONValue.int($0.1)) }))
        }
    }

    func run() async throws(CloudError) -> Report {
        var report = Report()
        report.counts.append(("instances", try await terminateInstances()))
        report.counts.append(("addresses", try await releaseAddresses()))
        report.counts.append(("images", try await deregisterImages()))
        report.counts.append(("snapshots", try await deleteSnapshots()))
        report.counts.append(("volumes", try await deleteVolumes()))
        report.counts.append(("buckets", try await deleteBuckets()))
        report.counts.append(("queues", try await deleteQueues()))
        return report
    }

    // MARK: - EC2

    private func terminateInstances() async throws(CloudError) -> Int {
        let live = try await instances().filter { $0.state != "terminated" }
        if !live.isEmpty {
            _ = try await call("ec2.TerminateInstances", ["InstanceIds": .array(live.map { .string($0.id) })])
        }
        // Their volumes and addresses are let go only when they are terminated.
        try await waitUntil("instances to terminate") { () throws(CloudError) in
            try await instances().allSatisfy { $0.state == "terminated" }
        }
        return live.count
    }

    private func instances() async throws(CloudError) -> [(id: String, state: String)] {
        let described = try await call("ec2.DescribeInstances", [:])
        return Self.items(described["Reservations"]).flatMap { Self.items($0["Instances"]) }.compactMap {
            guard let id = $0["InstanceId"]?.stringValue, let state = $0["State"]?["Name"]?.stringValue else {
                return nil
            }
            return (id, state)
        }
    }

    private func releaseAddresses() async throws(CloudError) -> Int {
        let addresses = Self.items(try await call("ec2.DescribeAddresses", [:])["Addresses"])
        for address in addresses {
            if let association = address["AssociationId"]?.stringValue {
                _ = try await call("ec2.DisassociateAddress", ["AssociationId": .string(association)])
            }
            if let allocation = address["AllocationId"]?.stringValue {
                _ = try await call("ec2.ReleaseAddress", ["AllocationId": .string(allocation)])
            }
        }
        return addresses.count
    }

    private func deregisterImages() async throws(CloudError) -> Int {
        let images = Self.items(try await call("ec2.DescribeImages", ["Owners": .array([.string("self")])])["Images"])
        for id in images.compactMap({ $0["ImageId"]?.stringValue }) {
            _ = try await call("ec2.DeregisterImage", ["ImageId": .string(id)])
        }
        return images.count
    }

    private func deleteSnapshots() async throws(CloudError) -> Int {
        func snapshots() async throws(CloudError) -> [JSONValue] {
            Self.items(try await call("ec2.DescribeSnapshots", ["OwnerIds": .array([.string("self")])])["Snapshots"])
        }
        // A snapshot still being taken cannot be deleted.
        try await waitUntil("snapshots to complete") { () throws(CloudError) in
            try await snapshots().allSatisfy { $0["State"]?.stringValue != "pending" }
        }
        let all = try await snapshots()
        for id in all.compactMap({ $0["SnapshotId"]?.stringValue }) {
            _ = try await call("ec2.DeleteSnapshot", ["SnapshotId": .string(id)])
        }
        return all.count
    }

    private func deleteVolumes() async throws(CloudError) -> Int {
        func volumes() async throws(CloudError) -> [JSONValue] {
            Self.items(try await call("ec2.DescribeVolumes", [:])["Volumes"])
        }
        // Volumes being made or let go by an instance settle first.
        try await waitUntil("volumes to settle") { () throws(CloudError) in
            try await volumes().allSatisfy { ["available", "error"].contains($0["State"]?.stringValue ?? "") }
        }
        let all = try await volumes()
        for id in all.compactMap({ $0["VolumeId"]?.stringValue }) {
            _ = try await call("ec2.DeleteVolume", ["VolumeId": .string(id)])
        }
        try await waitUntil("volumes to go") { () throws(CloudError) in try await volumes().isEmpty }
        return all.count
    }

    // MARK: - S3 and SQS

    private func deleteBuckets() async throws(CloudError) -> Int {
        let buckets = Self.items(try await call("s3.ListBuckets", [:])["Buckets"]).compactMap {
            $0["Name"]?.stringValue
        }
        for bucket in buckets {
            let name = JSONValue.string(bucket)
            while true {
                let listed = try await call("s3.ListObjectVersions", ["Bucket": name])
                let entries = Self.items(listed["Versions"]) + Self.items(listed["DeleteMarkers"])
                if entries.isEmpty { break }
                let objects = entries.map { entry in
                    JSONValue.object(["Key": entry["Key"] ?? .null, "VersionId": entry["VersionId"] ?? .null])
                }
                let deleted = try await call(
                    "s3.DeleteObjects",
                    ["Bucket": name, "Delete": .object(["Objects": .array(objects), "Quiet": .bool(true)])])
                // A version that will not go would be listed again and again.
                if let failed = Self.items(deleted["Errors"]).first {
                    throw CloudError(
                        code: "InternalError",
                        message:
                            "The reset could not delete \(failed["Key"]?.stringValue ?? "an object") in \(bucket): \(failed["Message"]?.stringValue ?? "").",
                        status: 500)
                }
            }
            let uploads = Self.items(try await call("s3.ListMultipartUploads", ["Bucket": name])["Uploads"])
            for upload in uploads {
                _ = try await call(
                    "s3.AbortMultipartUpload",
                    ["Bucket": name, "Key": upload["Key"] ?? .null, "UploadId": upload["UploadId"] ?? .null])
            }
            _ = try await call("s3.DeleteBucket", ["Bucket": name])
        }
        return buckets.count
    }

    private func deleteQueues() async throws(CloudError) -> Int {
        var count = 0
        for region in regions {
            // A queue URL names its queue within the request's region.
            let deleted = await RequestScope.$region.withValue(region) { () async -> Result<Int, CloudError> in
                do throws(CloudError) {
                    // A listing holds at most 1,000 queues: list again until it shows none not yet deleted.
                    var deleted: Set<String> = []
                    while true {
                        let urls = Self.items(try await call("sqs.ListQueues", [:])["QueueUrls"])
                            .compactMap(\.stringValue).filter { !deleted.contains($0) }
                        if urls.isEmpty { return .success(deleted.count) }
                        for url in urls {
                            _ = try await call("sqs.DeleteQueue", ["QueueUrl": .string(url)])
                            deleted.insert(url)
                        }
                    }
                } catch {
                    return .failure(error)
                }
            }
            count += try deleted.get()
        }
        return count
    }

    // MARK: - Calls

    private func call(_ method: String, _ params: [String: JSONValue]) async throws(CloudError) -> JSONValue {
        switch await processor.invoke(method, params: .object(params)) {
        case .success(let invocation):
            do {
                return try JSONParser.parse(invocation.json)
            } catch {
                throw .internalError("\(method) answered no JSON")
            }
        case .failure(let failure):
            throw FrontReply.cloudError(failure)
        }
    }

    private static func items(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let items)? = value { return items }
        return []
    }

    /// Polls every 100 ms for up to two minutes; then the reset fails and says what it waited for.
    private func waitUntil(_ what: String, _ condition: () async throws(CloudError) -> Bool) async throws(CloudError) {
        for _ in 0..<1200 {
            if try await condition() { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
        throw CloudError(code: "InternalError", message: "The reset waited two minutes for \(what).", status: 500)
    }
}

/// One reset at a time: a request that comes while one runs gets that one's outcome.
actor ResetRunner {
    private let reset: StateReset
    private var running: Task<Result<StateReset.Report, CloudError>, Never>?

    init(reset: StateReset) {
        self.reset = reset
    }

    func run() async -> Result<StateReset.Report, CloudError> {
        if let running { return await running.value }
        let reset = self.reset
        let task = Task { () async -> Result<StateReset.Report, CloudError> in
            do throws(CloudError) {
                return .success(try await reset.run())
            } catch {
                return .failure(error)
            }
        }
        running = task
        let outcome = await task.value
        running = nil
        return outcome
    }
}
