import API
import Foundation
import IaasTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--acceleration auto`: a real guest is booted under KVM before KVM is trusted, the verdict is cached
/// for the next daemon, and instances run under what the verdict chose.
@Suite("Acceleration")
struct AccelerationTests {
    @Test func theKVMProbeDecidesOnceAndInstancesRunUnderItsVerdict() async throws {
        try await GuestLease.exclusive {
            let cache = try TemporaryDirectory()
            defer { cache.remove() }
            let cacheFile = cache.path + "/kvm-probe.json"
            let fixture = try await ComputeFixture.start(arguments: ["--kvm-probe-cache", cacheFile])
            let status = try await Self.verdict(fixture.client)
            let kvmDevice = access("/dev/kvm", R_OK | W_OK) == 0
            if kvmDevice {
                // A guest was booted under KVM; whether it made it is this host's truth, recorded either way.
                let reason = try #require(status.accelerationReason)
                #expect(reason.contains("booted under KVM") || reason.contains("did not boot under KVM"), "\(reason)")
                #expect((status.acceleration == "kvm") == reason.contains("booted under KVM"))
                let cached = try #require(FileManager.default.contents(atPath: cacheFile))
                let verdict = try JSONSerialization.jsonObject(with: cached) as? [String: Any]
                #expect((verdict?["usable"] as? Bool) == (status.acceleration == "kvm"))
                // The next daemon takes the cached verdict instead of probing again.
                try await fixture.restart()
                let again = try await Self.verdict(fixture.client)
                #expect(again.acceleration == status.acceleration)
                #expect(again.accelerationReason?.contains("(cached in \(cacheFile))") == true)
            } else {
                #expect(status.acceleration == "tcg" && status.accelerationReason?.contains("absent") == true)
                #expect(!FileManager.default.fileExists(atPath: cacheFile))
            }
            // The instance's QEMU runs under the verdict.
            let instance = try await fixture.client.runInstance(image: fixture.image)
            try await fixture.client.waitForInstance(instance.instanceId, state: "running")
            let machine = try #require(fixture.machines().first)
            let arguments = try #require(FileManager.default.contents(atPath: "/proc/\(machine)/cmdline"))
                .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let accel = arguments.firstIndex(of: "-accel").flatMap { arguments[$0 + 1].split(separator: ",").first }
                .map(String.init)
            #expect(accel == status.acceleration)
            await fixture.stop()
        }
    }

    @Test func tcgByOptionIsSaidSo() async throws {
        let fixture = try await ComputeFixture.start(arguments: ["--acceleration", "tcg"])
        let status = try await fixture.client.call(Methods.status)
        #expect(status.acceleration == "tcg" && status.accelerationReason == "--acceleration tcg")
        await fixture.stop()
    }

    /// The status once the probe has spoken.
    private static func verdict(_ client: IaasClient) async throws -> DaemonStatus {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let status = try await client.call(Methods.status)
            if status.accelerationReason != "probing KVM" { return status }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CancellationError()
    }
}
