import API
import AWSFront
import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix

/// `iaasd`: the daemon that keeps the cloud.
@main
struct Iaasd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iaasd",
        abstract: "The iaas daemon: an AWS-shaped cloud on one host, served as JSON-RPC on a Unix socket.",
        version: "0.1.0"
    )

    @Option(help: "Where the cloud keeps its state. Default: /var/lib/iaasd as root, else $XDG_DATA_HOME/iaasd.")
    var dataDir: String?

    @Option(help: "The API socket. Default: <data-dir>/iaasd.sock.")
    var socket: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(help: "A JSON file of extra regions and zones.")
    var config: String?

    @Option(help: "Seconds between checks of volume replicas.")
    var repairInterval: Double = 30

    @Option(help: "Seconds between scrubs that read and verify every copy of every S3 blob (default: a day).")
    var scrubInterval: Double = 86_400

    @Option(
        help: """
            Seconds between passes of the S3 blob collector, which removes unreferenced blobs past their grace \
            period and copies referenced ones into zones that lack them.
            """)
    var collectInterval: Double = 60

    @Option(help: "Seconds after which a connection with no traffic is closed.")
    var idleTimeout: Double = 300

    @Option(help: "Connections served at once; more are refused with RequestLimitExceeded.")
    var maxConnections: Int = 1024

    @Option(
        help: """
            Also serve AWS's own protocols over HTTP on ADDRESS:PORT (e.g. 127.0.0.1:4566), for boto3, the AWS CLI \
            and other SDKs. Off by default. Without --credentials only a loopback address is allowed.
            """)
    var http: String?

    @Option(
        help: """
            A JSON file of access key id → secret (mode 0600) that HTTP requests must be signed with (SigV4). \
            Without it, signatures are parsed but any key is accepted.
            """)
    var credentials: String?

    @Option(
        help: """
            Seconds an HTTP connection may stay without a request: an open one, or one that sends a request's \
            headers slower than this, is closed.
            """)
    var httpIdleTimeout: Double = 60

    @Flag(
        help: """
            Serve POST /_iaas/reset on the HTTP listener, which deletes every resource of the cloud (instances, \
            volumes, snapshots, images, addresses, buckets, queues): for test suites. Off by default.
            """)
    var httpReset = false

    @Option(help: "A group (name or id) whose members may use the socket, as libvirt's unix_sock_group.")
    var socketGroup: String?

    @Option(help: "The 12-digit account id in queue URLs and ARNs.")
    var accountId: String = "000000000000"

    @Flag(help: "Local development: turn off SQS's 60-second rules (queue name reuse after delete, PurgeQueue).")
    var sqsNoCooldowns = false

    @Option(help: "The default AMI's directory (guests/default/build.sh's output). Without it, no built-in image.")
    var imageDirectory: String?

    @Option(
        help:
            "The classic engine's guests (guests/classic/build.sh's output). Without it, no built-in riscv32 image.")
    var classicImageDirectory: String?

    @Option(help: "The QEMU binary that runs instances.")
    var qemu: String = "/usr/bin/qemu-system-x86_64"

    @Option(
        help: """
            How guests run: auto (TCG until a probe boots a guest under KVM; the verdict is cached per host), \
            tcg, or kvm (without a probe).
            """)
    var acceleration: AccelerationMode = .auto

    @Option(help: "Where the KVM probe's verdict is cached (default: <cache directory>/kvm-probe.json).")
    var kvmProbeCache: String?

    @Option(help: "A guest gets its instance type's memory divided by this (a small host runs more instances).")
    var memoryDivisor: Int = 1

    @Option(
        help: """
            How instances are networked: auto (the VPC data plane when root with ip, nft, dnsmasq, nsenter and \
            sysctl; else user), vpc (refuse to start without it), or user (QEMU's user-mode networking).
            """)
    var network: NetworkChoice = .auto

    @Option(
        help: """
            The VPC data plane's namespaces are <prefix>-<region> and <prefix>-<region>-outside (letters, digits, \
            '-'; up to 24).
            """)
    var networkNamespacePrefix: String = "iaas"

    @Flag(
        help: """
            Route the public addresses into the host's own namespace (a veth pair per region and a /32 route \
            per address), so the host's shell reaches instances directly. Off by default: nothing else touches \
            the host's routes.
            """)
    var networkHostRoute = false

    @Flag(
        help: """
            Start on a new database even though the zone directories hold data it does not know, moving that \
            data to zones/<az>/lost+found/.
            """)
    var adoptOrphans = false

    /// A day: longer intervals are a typo, and far longer ones overflow the clock.
    static let longestInterval: Double = 86_400

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        guard (1...64).contains(memoryDivisor) else { throw ValidationError("--memory-divisor must be from 1 to 64.") }
        guard (1...24).contains(networkNamespacePrefix.count),
            networkNamespacePrefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else {
            throw ValidationError("--network-namespace-prefix must be 1 to 24 letters, digits or '-'.")
        }
        guard FileManager.default.isExecutableFile(atPath: qemu) else {
            throw ValidationError("--qemu: \(qemu) is not an executable (install qemu-system-x86, or give its path).")
        }
        for (name, value) in [
            ("--repair-interval", repairInterval), ("--scrub-interval", scrubInterval),
            ("--collect-interval", collectInterval), ("--idle-timeout", idleTimeout),
            ("--http-idle-timeout", httpIdleTimeout),
        ] {
            guard value.isFinite, value >= 0.01, value <= Self.longestInterval else {
                throw ValidationError("\(name) must be a number of seconds from 0.01 to \(Int(Self.longestInterval)).")
            }
        }
        guard accountId.count == 12, accountId.allSatisfy(\.isASCII), accountId.allSatisfy(\.isNumber) else {
            throw ValidationError("--account-id must be 12 digits.")
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be from 1 to 1000000.")
        }
        if let http {
            guard let (host, _) = FrontConfiguration.parse(address: http) else {
                throw ValidationError("--http must be ADDRESS:PORT, e.g. 127.0.0.1:4566.")
            }
            guard credentials != nil || FrontConfiguration.isLoopback(host) else {
                throw ValidationError(
                    "--http \(http) is reachable from other hosts: give --credentials, or listen on 127.0.0.1.")
            }
        } else if credentials != nil || httpReset {
            throw ValidationError("--credentials and --http-reset are for the HTTP listener: give --http too.")
        }
        if let socketGroup, SocketPermissions.groupID(named: socketGroup) == nil {
            throw ValidationError("--socket-group: no group named '\(socketGroup)'.")
        }
    }

    func run() async throws {
        // From here on Swift Concurrency runs on NIO's event loops: a request moves from the socket to its
        // handler and back without a thread switch. Blocking work (fsync, copies) has its own queue
        // (BlockingIO) and GRDB its own, so nothing blocks a loop. Nothing else runs yet.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        MallocTuning.apply()
        // Everything the daemon creates is its owner's alone, whatever umask it was started with.
        umask(0o077)
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let dataDirectory = dataDir ?? DefaultPaths.dataDirectory()
        let options = DaemonOptions(
            dataDirectory: dataDirectory,
            socketPath: socket ?? dataDirectory + "/iaasd.sock",
            configFile: config,
            repairInterval: .milliseconds(Int(repairInterval * 1000)),
            scrubInterval: .milliseconds(Int(scrubInterval * 1000)),
            collectInterval: .milliseconds(Int(collectInterval * 1000)),
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000)),
            maxConnections: maxConnections,
            socketGroup: socketGroup.flatMap(SocketPermissions.groupID(named:)),
            adoptOrphans: adoptOrphans,
            account: accountId,
            cooldowns: !sqsNoCooldowns,
            imageDirectory: imageDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
            classicImageDirectory: classicImageDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
            qemu: qemu,
            memoryDivisor: memoryDivisor,
            acceleration: acceleration,
            kvmProbeCache: kvmProbeCache ?? DefaultPaths.cacheDirectory() + "/kvm-probe.json",
            network: network, networkNamespacePrefix: networkNamespacePrefix, networkHostRoute: networkHostRoute,
            http: http.flatMap(FrontConfiguration.parse(address:)), credentialsFile: credentials,
            httpIdleTimeout: httpIdleTimeout, httpReset: httpReset
        )
        do {
            try await Daemon(options: options).run()
        } catch let error as DaemonError {
            FileHandle.standardError.write(Data("iaasd: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
