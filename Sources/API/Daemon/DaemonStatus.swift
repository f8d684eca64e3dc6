import Foundation

/// The result of `daemon.Status`.
public struct DaemonStatus: Codable, Sendable, Equatable {
    public var version: String
    public var pid: Int
    public var uptimeSeconds: Double
    public var dataDirectory: String
    public var socketPath: String
    public var regions: Int
    public var availabilityZones: Int
    public var volumes: Int
    /// Files in the zones' `lost+found/` directories: data the database could not account for, kept for an
    /// operator to look at.
    public var lostAndFoundFiles: Int
    /// How guests start now: `tcg` or `kvm`, and why (the KVM probe's verdict, or the daemon's option).
    public var acceleration: String?
    public var accelerationReason: String?
    /// The AWS-protocol HTTP endpoint (`http://127.0.0.1:4566`), when iaasd serves one (`--http`).
    public var httpEndpoint: String?
    /// How instances are networked: `vpc` (the VPC data plane in network namespaces) or `user` (QEMU's
    /// user-mode networking), and why, with what the user mode lacks.
    public var networkMode: String?
    public var networkModeReason: String?

    public init(
        version: String, pid: Int, uptimeSeconds: Double, dataDirectory: String, socketPath: String,
        regions: Int, availabilityZones: Int, volumes: Int, lostAndFoundFiles: Int, acceleration: String? = nil,
        accelerationReason: String? = nil, httpEndpoint: String? = nil, networkMode: String? = nil,
        networkModeReason: String? = nil
    ) {
        self.networkMode = networkMode
        self.networkModeReason = networkModeReason
        self.version = version
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.dataDirectory = dataDirectory
        self.socketPath = socketPath
        self.regions = regions
        self.availabilityZones = availabilityZones
        self.volumes = volumes
        self.lostAndFoundFiles = lostAndFoundFiles
        self.acceleration = acceleration
        self.accelerationReason = accelerationReason
        self.httpEndpoint = httpEndpoint
    }

    private enum CodingKeys: String, CodingKey {
        case version, pid, uptimeSeconds, dataDirectory, socketPath, regions, availabilityZones, volumes
        case lostAndFoundFiles, acceleration, accelerationReason, httpEndpoint, networkMode, networkModeReason
    }

    /// Members added after the first release may be absent: a newer client still reads an older daemon.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        pid = try container.decode(Int.self, forKey: .pid)
        uptimeSeconds = try container.decode(Double.self, forKey: .uptimeSeconds)
        dataDirectory = try container.decode(String.self, forKey: .dataDirectory)
        socketPath = try container.decode(String.self, forKey: .socketPath)
        regions = try container.decode(Int.self, forKey: .regions)
        availabilityZones = try container.decode(Int.self, forKey: .availabilityZones)
        volumes = try container.decode(Int.self, forKey: .volumes)
        lostAndFoundFiles = try container.decodeIfPresent(Int.self, forKey: .lostAndFoundFiles) ?? 0
        acceleration = try container.decodeIfPresent(String.self, forKey: .acceleration)
        accelerationReason = try container.decodeIfPresent(String.self, forKey: .accelerationReason)
        httpEndpoint = try container.decodeIfPresent(String.self, forKey: .httpEndpoint)
        networkMode = try container.decodeIfPresent(String.self, forKey: .networkMode)
        networkModeReason = try container.decodeIfPresent(String.self, forKey: .networkModeReason)
    }
}
