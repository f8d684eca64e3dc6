import ArgumentParser
import Engine
import Foundation
import Logging
import SystemPackage

/// `--acceleration`.
enum AccelerationMode: String, Sendable, ExpressibleByArgument, CaseIterable {
    case auto, tcg, kvm

    /// What `daemon.Status` says before any probe.
    var initialReason: String {
        switch self {
        case .auto: "probing KVM"
        case .tcg: "--acceleration tcg"
        case .kvm: "--acceleration kvm (not probed)"
        }
    }
}

extension Daemon {
    /// With `--acceleration auto`: the KVM probe runs in the background (instances launched meanwhile run
    /// under TCG), and machines started after a verdict of "usable" run under KVM.
    func probeKVM(_ hypervisor: QEMUDriver, choice: AccelerationChoice) {
        guard let images = options.imageDirectory else {
            choice.set(.tcg, reason: "no image to probe KVM with (--image-directory)")
            return
        }
        let probe = KVMProbe(
            cacheFile: FilePath(options.kvmProbeCache), qemu: FilePath(options.qemu), kernel: images + "/vmlinux",
            initrd: images + "/initrd.img")
        let logger = Logger(label: "iaasd")
        Task {
            let (verdict, cached) = await probe.verdict()
            let reason = verdict.reason + (cached ? " (cached in \(options.kvmProbeCache))" : "")
            if verdict.usable {
                await hypervisor.use(.kvm)
                choice.set(.kvm, reason: reason)
            } else {
                choice.set(.tcg, reason: reason)
            }
            logger.info(
                "acceleration chosen",
                metadata: ["iaas.accel": "\(verdict.usable ? "kvm" : "tcg")", "iaas.accel.reason": "\(reason)"])
        }
    }
}
