import AWSFront
import Engine
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Services
import Store
import SystemPackage
import VPCNetwork

struct DaemonOptions: Sendable {
    var dataDirectory: String
    var socketPath: String
    var configFile: String?
    var repairInterval: Duration
    var scrubInterval: Duration
    var collectInterval: Duration
    var idleTimeout: TimeAmount
    var maxConnections: Int
    var socketGroup: gid_t?
    var adoptOrphans: Bool
    var account: String
    var cooldowns: Bool
    var imageDirectory: String?
    var classicImageDirectory: String?
    var qemu: String
    var memoryDivisor: Int
    var acceleration: AccelerationMode
    var kvmProbeCache: String
    var network: NetworkChoice
    var networkNamespacePrefix: String
    var networkHostRoute: Bool
    /// The AWS-protocol HTTP listener's address, when there is one.
    var http: (host: String, port: Int)?
    var credentialsFile: String?
    var httpIdleTimeout: Double
    /// `POST /_iaas/reset` is served.
    var httpReset: Bool
}

/// The start-up sequence and the life of the daemon: lock the data directory, open and migrate the store,
/// reconcile what a crash left, serve, and on SIGTERM/SIGINT stop gracefully and close the store.
struct Daemon {
    let options: DaemonOptions
    private let logger = Logger(label: "iaasd")

    init(options: DaemonOptions) {
        self.options = options
    }

    func run() async throws {
        let startedAt = ContinuousClock.now
        let root = FilePath(URL(fileURLWithPath: options.dataDirectory).standardizedFileURL.path)
        let dataDirectory = DataDirectory(root: root)
        let catalog: RegionCatalog
        do {
            catalog = try RegionCatalog.load(configFile: options.configFile)
        } catch {
            throw DaemonError("Cannot read the configuration \(options.configFile ?? ""): \(error)")
        }
        do {
            try DurableFiles.makeDirectories(root)
        } catch {
            throw DaemonError("Cannot create the data directory: \(error)")
        }
        let lock: DataDirectoryLock
        do {
            lock = try DataDirectoryLock(directory: root)
        } catch let held as DataDirectoryLock.Held {
            throw DaemonError(held.description)
        }
        do {
            try dataDirectory.prepare(zones: catalog.zones.map(\.zone.zoneName))
        } catch {
            throw DaemonError("Cannot prepare the zone directories: \(error)")
        }
        try refuseForeignData(dataDirectory)
        let database = try StoreDatabase(path: dataDirectory.database)
        logger.info("store opened", metadata: ["iaas.data-dir": "\(root)"])

        let info = DaemonInfo(
            pid: Int(getpid()), startedAt: startedAt, dataDirectory: root.string, socketPath: options.socketPath)
        let qemu = QEMUDriver(
            runDirectory: dataDirectory.run, binary: FilePath(options.qemu),
            acceleration: options.acceleration == .kvm ? .kvm : .tcg)
        let hypervisor = Engines([
            .x86_64: qemu,
            .riscv32: ClassicDriver(runDirectory: dataDirectory.run, binary: ClassicDriver.defaultBinary()),
        ])
        let acceleration = AccelerationChoice(
            options.acceleration == .kvm ? .kvm : .tcg, reason: options.acceleration.initialReason)
        let (networking, namespaceLock) = try networking(dataDirectory)
        let cloud = Cloud(
            database: database, dataDirectory: dataDirectory, catalog: catalog, info: info,
            repairInterval: options.repairInterval, scrubInterval: options.scrubInterval,
            collectInterval: options.collectInterval, account: options.account,
            cooldowns: .init(enforced: options.cooldowns),
            compute: ComputeConfiguration(
                hypervisor: hypervisor,
                images: ImageCatalog(
                    directory: options.imageDirectory, classicDirectory: options.classicImageDirectory),
                memoryDivisor: options.memoryDivisor, acceleration: acceleration,
                networking: networking))
        let report = try await VolumeReconciler(volumes: cloud.volumes).run()
        logger.info(
            "reconciled",
            metadata: [
                "iaas.reconcile.creates": "\(report.createsFinished)",
                "iaas.reconcile.deletes": "\(report.deletesFinished)",
                "iaas.reconcile.modifications": "\(report.modificationsFinished)",
                "iaas.reconcile.temporary-files": "\(report.temporaryFilesRemoved)",
                "iaas.reconcile.orphan-files": "\(report.orphanFilesKept)",
                "iaas.lost-and-found.files": "\(report.lostAndFoundFiles)",
            ])

        let messaging = try await MessagingReconciler(service: cloud.queues).run()
        logger.info(
            "messaging ready",
            metadata: [
                "iaas.sqs.queues": "\(messaging.queues)", "iaas.sqs.messages": "\(messaging.messages)",
                "iaas.sqs.partitions-down": "\(messaging.partitionsDown)",
                "iaas.sqs.deletes": "\(messaging.deletesFinished)", "iaas.sqs.purges": "\(messaging.purgesFinished)",
            ])

        try await cloud.instances.images.registerBuiltIn(in: database)
        try await cloud.instances.images.registerClassic(in: database)
        try await cloud.instances.ensureDefaultSecurityGroups()
        let compute = try await ComputeReconciler(service: cloud.instances).run()
        logger.info(
            "compute ready",
            metadata: [
                "iaas.ec2.reattached": "\(compute.reattached)",
                "iaas.ec2.stopped-while-away": "\(compute.stoppedWhileAway)",
                "iaas.ec2.boots-resumed": "\(compute.bootsResumed)", "iaas.ec2.stops": "\(compute.stopsFinished)",
                "iaas.ec2.terminations": "\(compute.terminationsFinished)",
                "iaas.ec2.stray-machines": "\(compute.strayMachinesKilled)",
            ])

        // After compute: a machine a snapshot paused before a crash runs again before its job is judged.
        let snapshots = try await SnapshotReconciler(service: cloud.snapshots).run()
        try await cloud.instances.failInterruptedImages()
        // Kernel and ramdisk files a crash left before their image's row, or that nothing boots any more.
        await cloud.instances.sweepImageFiles()
        logger.info(
            "snapshots ready",
            metadata: [
                "iaas.ebs.snapshots-resumed": "\(snapshots.resumed)",
                "iaas.ebs.snapshots-failed": "\(snapshots.failed)",
            ])

        if options.acceleration == .auto { probeKVM(qemu, choice: acceleration) }

        // The data-directory lock covers the default socket; a socket given with --socket may be another
        // daemon's, which must not be taken over.
        if SocketProbe.isServing(options.socketPath) {
            throw DaemonError(
                "Another daemon is serving on \(options.socketPath). Stop it or choose another --socket.")
        }
        let server: RPCServer
        do {
            server = try await RPCServer.bind(
                RPCServer.Configuration(
                    socketPath: options.socketPath, idleTimeout: options.idleTimeout,
                    maxConnections: options.maxConnections, socketGroup: options.socketGroup),
                processor: cloud.processor,
                onReady: { SystemdNotifier.notify("READY=1\nMAINPID=\(getpid())") },
                onShutdown: { SystemdNotifier.notify("STOPPING=1") }
            )
        } catch {
            throw DaemonError("Cannot listen on \(options.socketPath): \(error)")
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: cloud.repairer),
            .init(service: cloud.sweeper),
            .init(service: cloud.collector),
            .init(service: cloud.scrubber),
            .init(service: cloud.machineEvents),
            .init(service: server, successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let http = options.http {
            services.append(
                .init(service: try httpFront(http, catalog: catalog, processor: cloud.processor, info: info)))
        }
        if networking.mode == .vpc {
            services += metadataServers(catalog: catalog, networking: networking, instances: cloud.instances)
                .map { .init(service: $0) }
        }
        let elapsed = ContinuousClock.now - startedAt
        logger.info("serving", metadata: ["iaas.socket": "\(options.socketPath)", "iaas.startup": "\(elapsed)"])

        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        defer {
            unlink(options.socketPath)
            withExtendedLifetime(lock) {}
            withExtendedLifetime(namespaceLock) {}
        }
        do {
            try await group.run()
        } catch {
            await hypervisor.disconnect()
            cloud.queues.close()
            try? database.close()
            throw error
        }
        // Instances keep running: the next daemon re-attaches to them.
        await hypervisor.disconnect()
        cloud.queues.close()
        try database.close()
        logger.info("stopped")
    }

    /// The instance metadata service of each region, on 169.254.169.254:80 in its VPC namespace. A region
    /// whose namespace is not there (its data plane failed to apply: logged) goes without, and says so.
    private func metadataServers(catalog: RegionCatalog, networking: NetworkConfiguration, instances: InstanceService)
        -> [MetadataServer]
    {
        catalog.regions.compactMap { region in
            let name = region.regionName
            let layout = networking.layout(region: name)
            do {
                let socket = try NamespaceSocket.listen(
                    namespacePath: layout.namespacePath, address: RegionLayout.metadataAddress, port: 80)
                return MetadataServer(socket: socket, region: name) { address in
                    await instances.metadata(privateAddress: address, region: name)
                }
            } catch {
                logger.error(
                    "no instance metadata service in this region",
                    metadata: ["iaas.region": "\(name)", "iaas.error": "\(error)"])
                return nil
            }
        }
    }

    /// The HTTP listener of AWS's protocols, on the method table the socket serves.
    private func httpFront(
        _ address: (host: String, port: Int), catalog: RegionCatalog, processor: RequestProcessor, info: DaemonInfo
    ) throws -> some Service {
        var credentials: Credentials?
        if let file = options.credentialsFile {
            do {
                credentials = try Credentials.load(path: file)
            } catch {
                throw DaemonError("--credentials: \(error)")
            }
        }
        let configuration = FrontConfiguration(
            host: address.host, port: address.port, credentials: credentials,
            regions: catalog.regions.map(\.regionName),
            idleTimeout: options.httpIdleTimeout, maxConnections: options.maxConnections,
            allowsReset: options.httpReset)
        return HTTPFront.service(configuration: configuration, processor: processor, endpoint: info.httpEndpoint)
    }

    /// A new database next to zone directories that hold data is not that data's database (it was lost, or
    /// moved away): starting would have to treat every volume as unknown. Refuse unless the operator says to
    /// adopt it, which moves it to lost+found.
    private func refuseForeignData(_ dataDirectory: DataDirectory) throws {
        let databaseExists = (try? DurableFiles.sizes(of: dataDirectory.database)) != nil
        guard !databaseExists else { return }
        let holdsData: Bool
        do {
            holdsData = try LostAndFound(dataDirectory: dataDirectory).zonesHoldData()
        } catch {
            throw DaemonError("Cannot read the zone directories: \(error)")
        }
        guard holdsData else { return }
        guard options.adoptOrphans else {
            throw DaemonError(
                """
                There is no database at \(dataDirectory.database), but \(dataDirectory.root)/zones holds volume \
                data it would not know. Restore the database, or start with --adopt-orphans to move that data to \
                zones/<az>/lost+found/ and begin with an empty cloud.
                """)
        }
        logger.warning(
            "adopting zone data without a database: it goes to lost+found",
            metadata: ["iaas.data-dir": "\(dataDirectory.root)"])
    }
}
