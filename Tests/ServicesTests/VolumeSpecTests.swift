import API
import IaasTesting
import Testing

@testable import Services

/// The size limits of one volume type, and an IOPS value valid at every size (for types that require one).
struct SizeLimits: Sendable, CustomTestStringConvertible {
    var type: String
    var min: Int
    var max: Int
    var iops: Int?

    var testDescription: String { "\(type) \(min)...\(max) GiB" }
}

private func spec(
    _ type: String, size: Int, iops: Int? = nil, throughput: Int? = nil, multiAttach: Bool = false
) throws(CloudError) -> VolumeSpec {
    try VolumeSpec(
        sizeGiB: size, type: VolumeType.named(type), iops: iops, throughput: throughput, multiAttachEnabled: multiAttach
    )
}

@Suite("VolumeSpec: sizes")
struct VolumeSpecSizeTests {
    static let limits = [
        SizeLimits(type: "gp2", min: 1, max: 16384),
        SizeLimits(type: "gp3", min: 1, max: 16384),
        SizeLimits(type: "io1", min: 4, max: 16384, iops: 100),
        SizeLimits(type: "io2", min: 4, max: 65536, iops: 100),
        SizeLimits(type: "st1", min: 125, max: 16384),
        SizeLimits(type: "sc1", min: 125, max: 16384),
        SizeLimits(type: "standard", min: 1, max: 1024),
    ]

    @Test("the minimum and maximum sizes are accepted", arguments: limits)
    func bounds(limits: SizeLimits) throws {
        #expect(try spec(limits.type, size: limits.min, iops: limits.iops).sizeGiB == limits.min)
        #expect(try spec(limits.type, size: limits.max, iops: limits.iops).sizeGiB == limits.max)
    }

    @Test("one below the minimum and one above the maximum are InvalidParameterValue", arguments: limits)
    func outOfBounds(limits: SizeLimits) {
        let small = thrown { () throws(CloudError) in try spec(limits.type, size: limits.min - 1, iops: limits.iops) }
        #expect(small?.code == "InvalidParameterValue")
        #expect(small?.message.contains("too small") == true)
        let large = thrown { () throws(CloudError) in try spec(limits.type, size: limits.max + 1, iops: limits.iops) }
        #expect(large?.code == "InvalidParameterValue")
        #expect(large?.message.contains("too large") == true)
    }

    @Test("zero and negative sizes are rejected")
    func nonPositive() {
        #expect(thrown { () throws(CloudError) in try spec("gp3", size: 0) }?.code == "InvalidParameterValue")
        #expect(thrown { () throws(CloudError) in try spec("gp3", size: -5) }?.code == "InvalidParameterValue")
    }
}

@Suite("VolumeSpec: IOPS")
struct VolumeSpecIopsTests {
    @Test(
        "types without provisioned IOPS reject Iops with InvalidParameterCombination",
        arguments: [
            "gp2", "st1", "sc1", "standard",
        ])
    func iopsNotSupported(type: String) {
        let error = thrown { () throws(CloudError) in try spec(type, size: 500, iops: 3000) }
        #expect(error?.code == "InvalidParameterCombination")
    }

    @Test("types without provisioned IOPS resolve to nil IOPS", arguments: ["gp2", "st1", "sc1", "standard"])
    func noIops(type: String) throws {
        #expect(try spec(type, size: 500).iops == nil)
    }

    @Test("io1 and io2 require Iops: MissingParameter", arguments: ["io1", "io2"])
    func iopsRequired(type: String) {
        let error = thrown { () throws(CloudError) in try spec(type, size: 100) }
        #expect(error?.code == "MissingParameter")
        #expect(error?.message.contains("Iops") == true)
    }

    @Test("gp3 defaults to 3000 IOPS and 125 MiB/s")
    func gp3Defaults() throws {
        let gp3 = try spec("gp3", size: 1)
        #expect(gp3.iops == 3000)
        #expect(gp3.throughput == 125)
    }

    @Test("gp3 IOPS range is 3000...16000")
    func gp3Range() throws {
        #expect(try spec("gp3", size: 100, iops: 3000).iops == 3000)
        #expect(try spec("gp3", size: 100, iops: 16000).iops == 16000)
        #expect(
            thrown { () throws(CloudError) in try spec("gp3", size: 100, iops: 2999) }?.code == "InvalidParameterValue")
        #expect(
            thrown { () throws(CloudError) in try spec("gp3", size: 100, iops: 16001) }?.code == "InvalidParameterValue"
        )
    }

    @Test("gp3 allows 500 IOPS per GiB above the 3000 baseline")
    func gp3Ratio() throws {
        #expect(try spec("gp3", size: 1, iops: 3000).iops == 3000)
        #expect(try spec("gp3", size: 7, iops: 3500).iops == 3500)
        #expect(
            thrown { () throws(CloudError) in try spec("gp3", size: 6, iops: 3500) }?.code == "InvalidParameterValue")
        #expect(try spec("gp3", size: 32, iops: 16000).iops == 16000)
        let error = thrown { () throws(CloudError) in try spec("gp3", size: 31, iops: 16000) }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message.contains("ratio") == true)
    }

    @Test("io1 allows 100...64000 IOPS at up to 50 per GiB")
    func io1() throws {
        #expect(try spec("io1", size: 10, iops: 500).iops == 500)
        #expect(
            thrown { () throws(CloudError) in try spec("io1", size: 10, iops: 501) }?.code == "InvalidParameterValue")
        #expect(
            thrown { () throws(CloudError) in try spec("io1", size: 10, iops: 99) }?.code == "InvalidParameterValue")
        #expect(try spec("io1", size: 1280, iops: 64000).iops == 64000)
        #expect(
            thrown { () throws(CloudError) in try spec("io1", size: 1279, iops: 64000) }?.code
                == "InvalidParameterValue")
        #expect(
            thrown { () throws(CloudError) in try spec("io1", size: 16384, iops: 64001) }?.code
                == "InvalidParameterValue")
    }

    @Test("io2 allows up to 1000 IOPS per GiB")
    func io2() throws {
        #expect(try spec("io2", size: 4, iops: 4000).iops == 4000)
        #expect(
            thrown { () throws(CloudError) in try spec("io2", size: 4, iops: 4001) }?.code == "InvalidParameterValue")
        #expect(try spec("io2", size: 256, iops: 256_000).iops == 256_000)
        #expect(
            thrown { () throws(CloudError) in try spec("io2", size: 65536, iops: 256_001) }?.code
                == "InvalidParameterValue")
    }
}

@Suite("VolumeSpec: throughput and multi-attach")
struct VolumeSpecThroughputTests {
    @Test("only gp3 takes Throughput", arguments: ["gp2", "io1", "io2", "st1", "sc1", "standard"])
    func throughputOnlyGp3(type: String) {
        let error = thrown { () throws(CloudError) in
            try spec(type, size: 500, iops: type.hasPrefix("io") ? 1000 : nil, throughput: 125)
        }
        #expect(error?.code == "InvalidParameterCombination")
    }

    @Test("gp3 throughput range is 125...1000 MiB/s")
    func gp3Range() throws {
        #expect(try spec("gp3", size: 100, throughput: 125).throughput == 125)
        #expect(try spec("gp3", size: 100, iops: 4000, throughput: 1000).throughput == 1000)
        #expect(
            thrown { () throws(CloudError) in try spec("gp3", size: 100, throughput: 124) }?.code
                == "InvalidParameterValue")
        #expect(
            thrown { () throws(CloudError) in try spec("gp3", size: 100, iops: 16000, throughput: 1001) }?.code
                == "InvalidParameterValue")
    }

    @Test("gp3 throughput needs 4 IOPS per MiB/s above the baseline")
    func gp3ThroughputRatio() throws {
        #expect(try spec("gp3", size: 100, throughput: 750).throughput == 750)
        #expect(
            thrown { () throws(CloudError) in try spec("gp3", size: 100, throughput: 751) }?.code
                == "InvalidParameterValue")
        #expect(
            thrown { () throws(CloudError) in try spec("gp3", size: 100, iops: 3999, throughput: 1000) }?.code
                == "InvalidParameterValue")
    }

    @Test("multi-attach only for io1 and io2")
    func multiAttach() throws {
        #expect(try spec("io1", size: 100, iops: 1000, multiAttach: true).multiAttachEnabled)
        #expect(try spec("io2", size: 100, iops: 1000, multiAttach: true).multiAttachEnabled)
        for type in ["gp2", "gp3", "st1", "sc1", "standard"] {
            let error = thrown { () throws(CloudError) in try spec(type, size: 500, multiAttach: true) }
            #expect(error?.code == "InvalidParameterCombination", "\(type)")
        }
    }
}

@Suite("VolumeType")
struct VolumeTypeTests {
    @Test("every AWS type is known by name; others are InvalidParameterValue")
    func named() throws {
        for name in ["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"] {
            #expect(try VolumeType.named(name).name == name)
        }
        let error = thrown { () throws(CloudError) in try VolumeType.named("gp4") }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message.contains("gp4") == true)
        #expect(thrown { () throws(CloudError) in try VolumeType.named("GP3") }?.code == "InvalidParameterValue")
    }

    @Test("the default type is gp3")
    func defaultType() {
        #expect(VolumeType.defaultType == .gp3)
    }

    @Test("gp2 reports 3 IOPS per GiB, between 100 and 16000; others report what was provisioned")
    func reportedIops() {
        #expect(VolumeType.gp2.reportedIops(provisioned: nil, sizeGiB: 1) == 100)
        #expect(VolumeType.gp2.reportedIops(provisioned: nil, sizeGiB: 100) == 300)
        #expect(VolumeType.gp2.reportedIops(provisioned: nil, sizeGiB: 10000) == 16000)
        #expect(VolumeType.gp3.reportedIops(provisioned: 4000, sizeGiB: 100) == 4000)
        #expect(VolumeType.st1.reportedIops(provisioned: nil, sizeGiB: 500) == nil)
    }
}
