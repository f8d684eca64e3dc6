import API
import Foundation
import IaasTesting
import Testing

/// `iaasctl` as a person runs it: exit statuses, tables, JSON, and the AWS error code on failure.
@Suite("iaasctl")
struct CLITests {
    @Test func aTourOfTheCommands() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let created = try await iaasctl(
            [
                "create-volume", "--size", "8", "--availability-zone", "us-east-1a", "--volume-type", "gp3",
                "--tag-specifications", "ResourceType=volume,Tags=[{Key=Name,Value=data},{Key=env,Value=dev}]", "-o",
                "json",
            ],
            socket: socket)
        #expect(created.status == 0, "\(created.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        let id = try #require(json["VolumeId"] as? String)
        #expect(json["Size"] as? Int == 8)

        let table = try await iaasctl(["describe-volumes", "--filters", "Name=tag:Name,Values=data"], socket: socket)
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("VOLUME-ID"))
        #expect(table.stdout.contains(id))
        #expect(table.stdout.contains("Name=data,env=dev"))

        #expect(
            try await iaasctl(["modify-volume", "--volume-id", id, "--size", "16"], socket: socket).stdout.contains(
                "8 -> 16 GiB"))
        #expect(
            try await iaasctl(["describe-volume-status", "--volume-ids", id], socket: socket).stdout.contains("ok"))
        #expect(
            try await iaasctl(["describe-volumes-modifications"], socket: socket).stdout.contains(
                "completed  8 -> 16 GiB"))
        #expect(
            try await iaasctl(["create-tags", "--resources", id, "--tags", "Key=owner,Value=me"], socket: socket).status
                == 0)
        #expect(try await iaasctl(["describe-tags"], socket: socket).stdout.contains("owner"))
        let status = try await iaasctl(["status"], socket: socket).stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(status.contains(["volumes", "1"]))
        #expect(status.contains(["lost-and-found-files", "0"]))
        #expect(try await iaasctl(["describe-availability-zones"], socket: socket).stdout.contains("us-east-1c"))
        #expect(try await iaasctl(["delete-volume", "--volume-id", id], socket: socket).status == 0)
        #expect(try await iaasctl(["describe-volumes"], socket: socket).stdout == "(none)\n")
        await fixture.stop()
    }

    @Test func aTourOfTheSecurityGroupCommands() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let created = try await iaasctl(
            ["create-security-group", "--group-name", "web", "--description", "web servers"], socket: socket)
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        #expect(id.hasPrefix("sg-"))
        let opened = try await iaasctl(
            [
                "authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "8000-8080",
                "--cidr", "10.0.0.0/8",
            ],
            socket: socket)
        #expect(
            opened.status == 0 && opened.stdout.contains("8000-8080") && opened.stdout.contains("sgr-"), "\(opened)")
        let json = try await iaasctl(
            [
                "authorize-security-group-ingress", "--group-name", "web", "--ip-permissions",
                #"[{"IpProtocol":"icmp","FromPort":-1,"ToPort":-1,"IpRanges":[{"CidrIp":"172.31.0.0/16"}]}]"#,
            ], socket: socket)
        #expect(json.status == 0, "\(json.stderr)")
        let listed = try await iaasctl(["describe-security-groups", "--group-names", "web"], socket: socket)
        #expect(listed.stdout.contains("in         tcp       8000-8080  10.0.0.0/8"), "\(listed.stdout)")
        #expect(listed.stdout.contains("icmp") && listed.stdout.contains("out        all"), "\(listed.stdout)")
        let duplicate = try await iaasctl(
            [
                "authorize-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "8000-8080",
                "--cidr", "10.0.0.0/8",
            ],
            socket: socket)
        #expect(
            duplicate.status != 0 && duplicate.stderr.contains("InvalidPermission.Duplicate"), "\(duplicate.stderr)")
        let revoked = try await iaasctl(
            [
                "revoke-security-group-ingress", "--group-id", id, "--protocol", "tcp", "--port", "8000-8080", "--cidr",
                "10.0.0.0/8",
            ],
            socket: socket)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try await iaasctl(["delete-security-group", "--group-id", id], socket: socket).status == 0)
        let gone = try await iaasctl(["describe-security-groups", "--group-ids", id], socket: socket)
        #expect(gone.status != 0 && gone.stderr.contains("InvalidGroup.NotFound"))
        await fixture.stop()
    }

    @Test func failuresNameTheAWSErrorAndExitNonZero() async throws {
        let fixture = try await DaemonFixture.start()
        let refused = try await iaasctl(
            ["create-volume", "--size", "0", "--availability-zone", "us-east-1a"], socket: fixture.daemon.socketPath)
        #expect(refused.status == 254)
        #expect(
            refused.stderr.contains("An error occurred (InvalidParameterValue) when calling the CreateVolume operation")
        )
        let missing = try await iaasctl(
            ["delete-volume", "--volume-id", "vol-00000000000000000"], socket: fixture.daemon.socketPath)
        #expect(missing.status == 254)
        #expect(missing.stderr.contains("InvalidVolume.NotFound"))
        await fixture.stop()

        let down = try await iaasctl(["status"], socket: fixture.daemon.socketPath)
        #expect(down.status == 255)
        #expect(down.stderr.contains("iaasd is not running"))
    }

    @Test func globalOptionsGoBeforeOrAfterTheCommand() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let before = try await iaasctl(
            ["--socket", socket, "-o", "json", "describe-regions"], socket: "/nonexistent.sock")
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("\"RegionName\" : \"us-east-1\""))
        let after = try await iaasctl(["describe-regions", "--socket", socket], socket: "/nonexistent.sock")
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout.hasPrefix("REGION"))
        await fixture.stop()
    }

    @Test func aTourOfTheQueueCommands() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let created = try await iaasctl(
            ["create-queue", "--queue-name", "jobs", "--attributes", "VisibilityTimeout=60", "-o", "json"],
            socket: socket)
        #expect(created.status == 0, "\(created.stderr)")
        let url = "https://sqs.us-east-1.amazonaws.com/000000000000/jobs"
        #expect(created.stdout.contains(url))
        #expect(try await iaasctl(["list-queues"], socket: socket).stdout.contains(url))
        #expect(
            try await iaasctl(["send-message", "--queue-url", url, "--message-body", "hello"], socket: socket).status
                == 0)
        let received = try await iaasctl(["receive-message", "--queue-url", url, "-o", "json"], socket: socket)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(received.stdout.utf8)) as? [String: Any])
        let message = try #require((json["Messages"] as? [[String: Any]])?.first)
        #expect(message["Body"] as? String == "hello")
        let handle = try #require(message["ReceiptHandle"] as? String)
        let attributes = try await iaasctl(["get-queue-attributes", "--queue-url", url], socket: socket).stdout
        #expect(attributes.contains("ApproximateNumberOfMessagesNotVisible  1"), "\(attributes)")
        #expect(
            try await iaasctl(["delete-message", "--queue-url", url, "--receipt-handle", handle], socket: socket).status
                == 0)
        let missing = try await iaasctl(
            ["send-message", "--queue-url", url + "-x", "--message-body", "x"], socket: socket)
        #expect(missing.status == 254)
        #expect(
            missing.stderr.contains("(AWS.SimpleQueueService.NonExistentQueue) when calling the SendMessage operation"))
        #expect(try await iaasctl(["purge-queue", "--queue-url", url], socket: socket).status == 0)
        #expect(try await iaasctl(["delete-queue", "--queue-url", url], socket: socket).status == 0)
        await fixture.stop()
    }

    @Test func aTourOfTheS3Commands() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let local = scratch.path + "/photo.jpg"
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        FileManager.default.createFile(atPath: local, contents: Data(bytes))

        #expect(try await iaasctl(["s3", "mb", "s3://album"], socket: socket).stdout == "make_bucket: album\n")
        let upload = try await iaasctl(["s3", "cp", local, "s3://album/2026/"], socket: socket)
        #expect(
            upload.status == 0 && upload.stdout == "upload: \(local) to s3://album/2026/photo.jpg\n", "\(upload.stderr)"
        )
        #expect(try await iaasctl(["s3", "ls"], socket: socket).stdout.hasSuffix(" album\n"))
        #expect(try await iaasctl(["s3", "ls", "s3://album"], socket: socket).stdout.contains("PRE 2026/"))
        let listed = try await iaasctl(["s3", "ls", "s3://album/2026/"], socket: socket).stdout
        #expect(listed.contains("   3000000 photo.jpg"), "\(listed)")
        let copy = scratch.path + "/back.jpg"
        let download = try await iaasctl(["s3", "cp", "s3://album/2026/photo.jpg", copy], socket: socket)
        #expect(download.status == 0, "\(download.stderr)")
        #expect(FileManager.default.contents(atPath: copy) == Data(bytes))
        let missing = try await iaasctl(["s3", "cp", "s3://album/nope", scratch.path + "/nope"], socket: socket)
        #expect(missing.status == 254 && missing.stderr.contains("(NoSuchKey) when calling the GetObject operation"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/nope"), "no partial file")
        let notEmpty = try await iaasctl(["s3", "rb", "s3://album"], socket: socket)
        #expect(notEmpty.status == 254 && notEmpty.stderr.contains("BucketNotEmpty"))
        #expect(try await iaasctl(["s3", "rm", "s3://album/2026/photo.jpg"], socket: socket).status == 0)
        try FileManager.default.removeItem(atPath: copy)
        _ = try await iaasctl(["s3", "cp", local, "s3://album/again.jpg"], socket: socket)
        let forced = try await iaasctl(["s3", "rb", "s3://album", "--force"], socket: socket)
        #expect(forced.stdout == "delete: s3://album/again.jpg\nremove_bucket: album\n", "\(forced.stdout)")
        await fixture.stop()
    }

    @Test func aTourOfTheS3APICommands() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        func s3api(_ arguments: [String]) async throws -> [String: Any] {
            let run = try await iaasctl(["s3api"] + arguments, socket: socket)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            return (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
        }
        let first = scratch.path + "/first.txt"
        let second = scratch.path + "/second.txt"
        FileManager.default.createFile(atPath: first, contents: Data("first".utf8))
        FileManager.default.createFile(atPath: second, contents: Data("second!".utf8))
        _ = try await iaasctl(["s3", "mb", "s3://ledger"], socket: socket)

        _ = try await s3api([
            "put-bucket-versioning", "--bucket", "ledger", "--versioning-configuration", "Status=Enabled",
        ])
        #expect(try await s3api(["get-bucket-versioning", "--bucket", "ledger"])["Status"] as? String == "Enabled")
        let one = try await s3api([
            "put-object", "--bucket", "ledger", "--key", "doc", "--body", first, "--tagging", "team=blue",
        ])
        let two = try await s3api(["put-object", "--bucket", "ledger", "--key", "doc", "--body", second])
        let v1 = try #require(one["VersionId"] as? String)
        let v2 = try #require(two["VersionId"] as? String)
        let out = scratch.path + "/out.txt"
        let got = try await s3api(["get-object", "--bucket", "ledger", "--key", "doc", "--version-id", v1, out])
        #expect(FileManager.default.contents(atPath: out) == Data("first".utf8))
        #expect(got["VersionId"] as? String == v1 && got["TagCount"] as? Int == 1 && got["ContentLength"] as? Int == 5)
        #expect(try await s3api(["head-object", "--bucket", "ledger", "--key", "doc"])["ContentLength"] as? Int == 7)
        let marker = try await s3api(["delete-object", "--bucket", "ledger", "--key", "doc"])
        #expect(marker["DeleteMarker"] as? Bool == true)
        let markerId = try #require(marker["VersionId"] as? String)
        _ = try await s3api([
            "put-object-tagging", "--bucket", "ledger", "--key", "doc", "--version-id", v2, "--tagging",
            "TagSet=[{Key=stage,Value=final}]",
        ])
        let tags = try await s3api(["get-object-tagging", "--bucket", "ledger", "--key", "doc", "--version-id", v2])
        #expect((tags["TagSet"] as? [[String: String]]) == [["Key": "stage", "Value": "final"]])
        let versions = try await s3api(["list-object-versions", "--bucket", "ledger"])
        #expect((versions["Versions"] as? [[String: Any]])?.compactMap { $0["VersionId"] as? String } == [v2, v1])
        #expect((versions["DeleteMarkers"] as? [[String: Any]])?.count == 1)
        let current = try await s3api(["list-objects-v2", "--bucket", "ledger"])
        #expect((current["Contents"] as? [Any])?.isEmpty ?? true)

        let refused = try await iaasctl(
            ["s3api", "put-bucket-versioning", "--bucket", "ledger", "--versioning-configuration", "Status=On"],
            socket: socket)
        #expect(refused.status == 254 && refused.stderr.contains("(MalformedXML)"), "\(refused.stderr)")
        let removed = try await s3api([
            "delete-objects", "--bucket", "ledger", "--delete",
            "Objects=[{Key=doc,VersionId=\(v1)},{Key=doc,VersionId=\(v2)},{Key=doc,VersionId=\(markerId)}],Quiet=false",
        ])
        #expect((removed["Deleted"] as? [Any])?.count == 3)
        #expect(try await iaasctl(["s3", "rb", "s3://ledger"], socket: socket).status == 0)
        await fixture.stop()
    }

    @Test func aDiskImageIsImportedFromS3() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let local = scratch.path + "/disk.raw"
        FileManager.default.createFile(atPath: local, contents: Data(TestBytes.pattern(3 << 20, seed: 4)))
        _ = try await iaasctl(["s3", "mb", "s3://vm-images"], socket: socket)
        _ = try await iaasctl(["s3", "cp", local, "s3://vm-images/disk.raw"], socket: socket)
        let started = try await iaasctl(
            [
                "import-snapshot", "--disk-container", "Format=RAW,UserBucket={S3Bucket=vm-images,S3Key=disk.raw}",
                "-o",
                "json",
            ],
            socket: socket)
        #expect(started.status == 0, "\(started.stderr)")
        let task = try #require(
            (try JSONSerialization.jsonObject(with: Data(started.stdout.utf8)) as? [String: Any])?["ImportTaskId"]
                as? String)
        var table = ""
        for _ in 0..<600 {
            table = try await iaasctl(["describe-import-snapshot-tasks", "--import-task-ids", task], socket: socket)
                .stdout
            if table.contains("completed") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(
            table.contains("completed") && table.contains("snap-") && table.contains("s3://vm-images/disk.raw"),
            "\(table)")
        let refused = try await iaasctl(
            ["import-snapshot", "--disk-container", "Format=VMDK,UserBucket={S3Bucket=vm-images,S3Key=disk.raw}"],
            socket: socket)
        #expect(refused.status == 254 && refused.stderr.contains("(InvalidParameter)"), "\(refused.stderr)")
        await fixture.stop()
    }

    @Test func aBigFileGoesUpInParallelParts() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let local = scratch.path + "/big.bin"
        let bytes = TestBytes.pattern(70 << 20)
        FileManager.default.createFile(atPath: local, contents: Data(bytes))
        try await fixture.client.createBucket("big")
        let upload = try await iaasctl(["s3", "cp", local, "s3://big/big.bin"], socket: socket)
        #expect(upload.status == 0, "\(upload.stderr)")
        let head = try await fixture.client.call(Methods.headObject, GetObjectRequest(bucket: "big", key: "big.bin"))
        #expect(head.eTag.hasSuffix("-5\"") && head.contentLength == Int64(bytes.count), "five parts of 16 MiB")
        #expect(try await fixture.client.getObject("big", "big.bin").1 == bytes)
        #expect(
            try await fixture.client.call(Methods.listMultipartUploads, ListMultipartUploadsRequest(bucket: "big"))
                .uploads.isEmpty)
        await fixture.stop()
    }

    @Test func aTourOfTheInstanceCommands() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let socket = fixture.daemon.socketPath
            let images = try await iaasctl(["describe-images", "--owners", "amazon"], socket: socket)
            #expect(images.stdout.contains(fixture.image), "\(images.stdout)")
            let run = try await iaasctl(["run-instances", "--image-id", fixture.image, "-o", "json"], socket: socket)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let instance = try #require((json["Instances"] as? [[String: Any]])?.first)
            let id = try #require(instance["InstanceId"] as? String)
            try await fixture.client.waitForInstance(id, state: "running")
            let listed = try await iaasctl(
                ["describe-instances", "--filters", "Name=instance-state-name,Values=running"], socket: socket)
            #expect(listed.stdout.contains(id) && listed.stdout.contains("172.31.0.4"), "\(listed.stdout)")
            let console = try await iaasctl(["get-console-output", "--instance-id", id], socket: socket)
            #expect(console.stdout.contains("iaas-guest: ready hostname=ip-172-31-0-4"), "\(console.stdout)")
            let volume = try await fixture.client.newVolume()
            let attached = try await iaasctl(
                ["attach", "--volume-id", volume, "--instance-id", id, "--device", "/dev/sdf"], socket: socket)
            #expect(attached.status == 0 && attached.stdout.contains("attaching"), "\(attached.stderr)")
            try await fixture.client.waitForVolume(volume, state: "in-use", attachment: "attached")
            let wrongState = try await iaasctl(
                ["start-instances", "--instance-ids", "i-0123456789abcdef0"], socket: socket)
            #expect(wrongState.status == 254 && wrongState.stderr.contains("InvalidInstanceID.NotFound"))
            let terminated = try await iaasctl(["terminate-instances", "--instance-ids", id], socket: socket)
            #expect(terminated.stdout.contains("shutting-down"), "\(terminated.stdout)")
            try await fixture.client.waitForInstance(id, state: "terminated")
            await fixture.stop()
        }
    }

    @Test func aFifoQueueFromTheCommandLine() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let created = try await iaasctl(
            ["create-queue", "--queue-name", "jobs.fifo", "--attributes", "FifoQueue=true", "-o", "json"],
            socket: socket)
        #expect(created.status == 0, "\(created.stderr)")
        let url = "https://sqs.us-east-1.amazonaws.com/000000000000/jobs.fifo"
        for body in ["first", "second"] {
            let sent = try await iaasctl(
                [
                    "send-message", "--queue-url", url, "--message-body", body, "--message-group-id", "g",
                    "--message-deduplication-id", body,
                ], socket: socket)
            #expect(sent.status == 0 && sent.stdout.contains("SEQUENCE-NUMBER"), "\(sent.stderr)")
        }
        let received = try await iaasctl(
            ["receive-message", "--queue-url", url, "--max-number-of-messages", "10"], socket: socket)
        let lines = received.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[1].contains("first") && lines[2].contains("second"), "\(received.stdout)")
        let unordered = try await iaasctl(["send-message", "--queue-url", url, "--message-body", "x"], socket: socket)
        #expect(unordered.status != 0 && unordered.stderr.contains("MessageGroupId"), "\(unordered.stderr)")
        await fixture.stop()
    }

    @Test func theHelpNamesEveryCommandAsTheAWSCLIDoes() async throws {
        let help = try await iaasctl(["--help"], socket: "/nonexistent.sock")
        #expect(help.status == 0)
        #expect(help.stdout == Self.expectedHelp)
    }

    static let expectedHelp = """
        OVERVIEW: Drive the iaas cloud: instances, volumes, queues, regions, tags.
        Talks JSON-RPC to iaasd.

        USAGE: iaasctl [--socket <socket>] [--output <output>] <subcommand>

        OPTIONS:
          --socket <socket>       The iaasd socket (default: $IAAS_SOCKET, else the
                                  default data directory's iaasd.sock).
          -o, --output <output>   table for people, json for scripts. (values: table,
                                  json; default: table)
          --version               Show the version.
          -h, --help              Show help information.

        SUBCOMMANDS:
          status                  Show the daemon's version, uptime and counts.
          describe-regions        List the regions of this cloud.
          describe-availability-zones
                                  List the availability zones.
          create-volume           Create an EBS volume in an availability zone.
          describe-volumes        List volumes.
          delete-volume           Delete a volume that is not attached.
          modify-volume           Grow a volume or change its type, IOPS or throughput.
          describe-volumes-modifications
                                  Show the most recent modification of each volume.
          describe-volume-status  Show whether each volume's replicas are healthy.
          create-snapshot         Snapshot a volume into S3 (pending until its blocks
                                  are stored; the volume stays usable).
          describe-snapshots      List snapshots.
          delete-snapshot         Delete a snapshot; blocks other snapshots share are
                                  kept.
          copy-snapshot           Copy a snapshot, within a region or to another.
          import-snapshot         Make a snapshot of a raw disk image in S3 (then
                                  register-image or create-volume from it).
          describe-import-snapshot-tasks
                                  List snapshot imports and how far they are.
          create-tags             Add or overwrite tags on resources.
          delete-tags             Remove tags from resources (all tags if none given).
          describe-tags           List tags.
          create-queue            Create an SQS queue (or get the URL of the same one).
          list-queues             List queue URLs.
          get-queue-attributes    Show a queue's attributes and message counts.
          purge-queue             Delete every message sent to a queue so far.
          delete-queue            Delete a queue and its messages.
          send-message            Send a message to a queue.
          receive-message         Receive messages; each stays invisible to others for
                                  the visibility timeout.
          delete-message          Delete a received message by its receipt handle.
          peek-messages           Show a queue's oldest messages and their state
                                  without receiving them (not an AWS action).
          run-instances           Launch instances (real VMs) of an image; they start
                                  `pending` and boot to `running`.
          describe-instances      List instances.
          describe-instance-status
                                  Show the system and instance status checks of running
                                  instances.
          start-instances         Start stopped instances.
          stop-instances          Stop instances: the guest powers off (or is cut off
                                  with --force); EBS data stays.
          reboot-instances        Reset running instances.
          terminate-instances     Terminate instances: their VMs and
                                  DeleteOnTermination volumes go.
          get-console-output      Print an instance's serial console (last 64 KiB).
          describe-instance-vm-stats
                                  Show what the classic VMM counted for a running r32
                                  instance (vmm.DescribeInstanceStats).
          describe-images         List AMIs.
          create-image            Make an AMI of an instance: its root volume
                                  snapshotted with the guest paused, never rebooted.
          register-image          Register an AMI whose root volume is restored from a
                                  snapshot, or a kernel or ramdisk image read from S3.
          deregister-image        Deregister an AMI, kernel or ramdisk image; its
                                  snapshot and the instances launched from it stay.
          describe-instance-types List instance types and what a guest gets here.
          attach-volume, attach   Attach a volume to an instance of its zone
                                  (hot-plugged into a running one).
          detach-volume, detach   Detach a volume (the guest lets go of it first).
          allocate-address        Allocate an Elastic IP from the public pool.
          associate-address       Give an instance an Elastic IP: it replaces its
                                  public address and stays through stops.
          disassociate-address    Take an Elastic IP off its instance.
          release-address         Give an Elastic IP back to the pool.
          describe-addresses      List Elastic IPs.
          modify-instance-attribute
                                  Change a stopped instance's type (or user data),
                                  taking effect at the next start; or any instance's
                                  security groups, at once.
          create-security-group   Create a security group in the default VPC: nothing
                                  in, everything out.
          delete-security-group   Delete a security group no instance is in and no rule
                                  names.
          describe-security-groups
                                  List security groups and their rules.
          authorize-security-group-ingress
                                  Let traffic in to a group's members.
          authorize-security-group-egress
                                  Let a group's members send traffic out.
          revoke-security-group-ingress
                                  Remove inbound rules of a group.
          revoke-security-group-egress
                                  Remove outbound rules of a group.
          s3                      S3 as the AWS CLI's s3 commands: mb, rb, ls, cp, rm,
                                  sync.
          s3api                   S3's actions one to one, as the AWS CLI's s3api
                                  commands (results as JSON).
          scrub                   Read and verify every copy of every S3 blob in every
                                  zone now; rewrite the bad ones.

          See 'iaasctl help <subcommand>' for detailed help.

        """

    @Test func badShorthandIsAUsageError() async throws {
        let run = try await iaasctl(["describe-volumes", "--filters", "status=available"], socket: "/nonexistent.sock")
        #expect(run.status == 64)
        #expect(run.stderr.contains("Name=NAME,Values=V1,V2"))
    }
}
