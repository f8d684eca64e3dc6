// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "iaas",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "iaasd", targets: ["iaasd"]),
        .executable(name: "iaasctl", targets: ["iaasctl"]),
        .executable(name: "iaas-bench", targets: ["iaas-bench"]),
        .executable(name: "iaas-vmm", targets: ["iaas-vmm"]),
        .library(name: "API", targets: ["API"]),
        .library(name: "Services", targets: ["Services"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "VPCNetwork", targets: ["VPCNetwork"]),
        .library(name: "AWSFront", targets: ["AWSFront"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // Only the HTTP/1.1 server is used: its optional traits (swift-configuration, full Foundation) stay off.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .target(
            name: "API",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Store",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Engine",
            dependencies: [
                "API",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // The VPC data plane, in Sources/Network. Not a module named `Network`: packages that build on
        // Apple's Network framework where `canImport(Network)` (Hummingbird, NIO's transports) would import it.
        .target(
            name: "VPCNetwork",
            dependencies: [
                // Store for its crash points.
                "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Sources/Network"
        ),
        .target(
            name: "Services",
            dependencies: [
                "API",
                "Store",
                "Engine",
                "VPCNetwork",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "AWSFront",
            dependencies: [
                "API",
                "Services",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "iaasd",
            dependencies: [
                "API",
                "AWSFront",
                "Engine",
                "VPCNetwork",
                "Services",
                "Store",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "iaas-vmm",
            dependencies: ["Engine", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "iaasctl",
            dependencies: [
                "API",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "iaas-bench",
            dependencies: [
                "API",
                "Engine",
                "IaasTesting",
                "VPCNetwork",
                "Store",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "IaasTesting",
            dependencies: [
                "API", "Store", "Engine", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/IaasTesting"
        ),
        .testTarget(
            name: "APITests",
            dependencies: [
                "API",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store",
                "IaasTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "ServicesTests",
            dependencies: [
                "Services",
                "IaasTesting",
                "Store",
                "API",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine",
                "IaasTesting",
                "iaas-vmm",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "VPCNetworkTests", dependencies: ["VPCNetwork"], path: "Tests/NetworkTests"),
        .testTarget(
            name: "AWSFrontTests",
            dependencies: [
                "AWSFront", "API", "Services", .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "iaasdTests",
            dependencies: [
                "iaasd", "API", "Services",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        // Depends on the executables so that building the tests builds the `iaasd` and `iaasctl` they run:
        // never a stale binary of another tree.
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "API", "Store", "Engine", "VPCNetwork", "IaasTesting", "iaasd", "iaasctl", "iaas-vmm",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
