import Foundation
import SystemPackage

/// The `qemu-system-x86_64` arguments of a machine: a `microvm` (no firmware, no PCI scan of legacy
/// devices: the fastest boot under TCG) with ACPI for the power button, a PCIe bus only for the root ports
/// disks are hot-plugged into, and virtio-mmio devices for what is present at boot. QEMU daemonizes
/// itself, so a machine outlives the daemon that started it.
struct QEMUCommandLine: Sendable {
    var machine: MachineDescription
    var files: MachineFiles
    var acceleration: Acceleration
    /// The host's TSC frequency: a microvm guest without it hangs calibrating its clock.
    var tscKHz: Int
    /// PCIe root ports, each of which can take one hot-plugged disk.
    static let hotplugSlots = 8

    /// The arguments, and the VMDK descriptors to write first (replicas of several segments).
    func arguments() -> (arguments: [String], descriptors: [(path: FilePath, text: String)]) {
        var arguments = [
            "-name", "\(machine.id),debug-threads=off",
            "-M", "microvm,acpi=on,pcie=on,rtc=on",
            // TCG's translation cache: 32 MiB holds a boot's code and saves ~20 MiB of resident memory per
            // machine against the default (which may grow to 1 GiB); 16 MiB slows boots by a quarter.
            "-accel", acceleration == .tcg ? "tcg,tb-size=32" : acceleration.rawValue,
            "-cpu", acceleration == .kvm ? "host" : "max",
            "-smp", String(machine.vcpus),
            "-m", "\(machine.memoryMiB)M",
            "-nodefaults", "-no-user-config", "-display", "none",
            // seccomp: no obsolete system calls, no scheduler or resource changes. (`elevateprivileges=deny`
            // also forbids the setsid of `-daemonize`; QEMU runs as the daemon's user anyway.)
            "-sandbox", "on,obsolete=deny,resourcecontrol=deny",
            "-kernel", machine.kernel,
            "-append",
            // pcie_ports=native: microvm's ACPI does not hand PCIe hot-plug to the guest; without it no
            // hot-plugged disk is ever seen.
            ([
                "console=ttyS0", "tsc_early_khz=\(tscKHz)", "quiet", "cryptomgr.notests", "no_timer_check",
                "pcie_ports=native",
            ]
                + (machine.kernelArguments.isEmpty ? [] : [machine.kernelArguments])).joined(separator: " "),
            // The serial port is the boot log (GetConsoleOutput); the virtio console is a shell to type into,
            // through a socket, recorded in its own log.
            "-chardev", "file,id=console,path=\(Self.escaped(files.console.string))",
            "-serial", "chardev:console",
            "-chardev",
            "socket,id=shell,path=\(Self.escaped(files.shellSocket.string)),server=on,wait=off,logfile=\(Self.escaped(files.shellLog.string))",
            "-device", "virtio-serial-device", "-device", "virtconsole,chardev=shell",
            "-qmp", "unix:\(Self.escaped(files.controlSocket.string)),server=on,wait=off",
            "-pidfile", files.pidFile.string,
            "-daemonize",
        ]
        if let initrd = machine.initrd { arguments += ["-initrd", initrd] }
        var descriptors: [(FilePath, String)] = []
        for slot in 0..<Self.hotplugSlots {
            arguments += ["-device", "pcie-root-port,id=\(Self.slotName(slot)),chassis=\(slot + 1),slot=\(slot)"]
        }
        // The root disk is a virtio-mmio device; the others sit in the PCIe root ports, so that they can be
        // unplugged like the disks plugged in later.
        for (index, disk) in machine.disks.enumerated() {
            let (blockdevs, written) = Self.blockdevs(disk, files: files)
            for blockdev in blockdevs { arguments += ["-blockdev", blockdev] }
            descriptors += written
            arguments += [
                "-device",
                index == 0
                    ? "virtio-blk-device,drive=\(disk.id),id=\(disk.id)-device"
                    : "virtio-blk-pci,drive=\(disk.id),id=\(disk.id)-device,bus=\(Self.slotName(index - 1)),serial=\(disk.id.prefix(20))",
            ]
        }
        for (index, nic) in machine.nics.enumerated() {
            arguments += [
                "-netdev",
                nic.tap.map { "tap,id=net\(index),ifname=\($0),script=no,downscript=no" }
                    ?? Self.userNetwork(nic, id: "net\(index)"),
            ]
            arguments += ["-device", "virtio-net-device,netdev=net\(index),mac=\(nic.mac)"]
        }
        return (arguments, descriptors)
    }

    static func slotName(_ slot: Int) -> String { "hotplug\(slot)" }

    /// QEMU's option syntax splits on commas; a comma in a value is written twice.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: ",", with: ",,")
    }

    /// The block nodes of a disk, as `-blockdev` JSON: a replicated disk is a `quorum` over its replicas
    /// that completes a write only when both have it (`vote-threshold` 2) and reads from the first
    /// (`fifo`); a local disk is one raw file.
    static func blockdevs(_ disk: Disk, files: MachineFiles) -> (
        nodes: [String], descriptors: [(path: FilePath, text: String)]
    ) {
        switch disk.backing {
        case .ephemeral(let base, _):
            // No QEMU machine has an instance-store root (no x86 AMI is instance-store-backed): at most, the
            // image's disk, which the guest cannot change.
            return (
                [
                    json([
                        "driver": "raw", "node-name": disk.id, "read-only": true,
                        "file": ["driver": "file", "filename": base, "read-only": true],
                    ])
                ], []
            )
        case .local(let path):
            return (
                [
                    json(["driver": "raw", "node-name": disk.id, "file": ["driver": "file", "filename": path]])
                ], []
            )
        case .replicated(let replicas):
            var nodes: [String] = []
            var descriptors: [(FilePath, String)] = []
            var children: [String] = []
            for (index, replica) in replicas.enumerated() {
                // One replica is the disk itself; two or more sit under a quorum node of the disk's name.
                let name = replicas.count == 1 ? disk.id : "\(disk.id)-r\(index)"
                if replica.segments.count == 1 {
                    nodes.append(
                        json([
                            "driver": "raw", "node-name": name,
                            "file": ["driver": "file", "filename": replica.segments[0].path],
                        ]))
                } else {
                    let descriptor = files.descriptor(disk: disk.id, replica: index)
                    descriptors.append((descriptor, vmdkDescriptor(replica)))
                    nodes.append(
                        json([
                            "driver": "vmdk", "node-name": name,
                            "file": ["driver": "file", "filename": descriptor.string],
                        ]))
                }
                children.append(name)
            }
            if children.count == 1 { return (nodes, descriptors) }
            nodes.append(
                json([
                    "driver": "quorum", "node-name": disk.id, "vote-threshold": 2, "read-pattern": "fifo",
                    "children": children,
                ]))
            return (nodes, descriptors)
        }
    }

    /// A VMDK descriptor with one FLAT extent per segment: how QEMU opens a volume larger than a file can be.
    static func vmdkDescriptor(_ replica: Replica) -> String {
        var text = """
            # Disk DescriptorFile
            version=1
            CID=fffffffe
            parentCID=ffffffff
            createType="monolithicFlat"

            # Extent description

            """
        for segment in replica.segments {
            text += "RW \(segment.bytes / 512) FLAT \"\(segment.path)\" 0\n"
        }
        text += "\nddb.virtualHWVersion = \"4\"\nddb.adapterType = \"ide\"\n"
        return text
    }

    /// User-mode networking, isolated (`restrict=on`: no guest packet leaves QEMU): the guest gets its
    /// address by DHCP as the first lease of its subnet, its hostname with it; forwarded ports listen on
    /// the host's loopback only.
    static func userNetwork(_ nic: NIC, id: String) -> String {
        var options = ["user", "id=\(id)", "restrict=on", "net=\(nic.subnet)", "dhcpstart=\(nic.address)"]
        if let base = IPv4(nic.subnet.split(separator: "/").first.map(String.init) ?? "") {
            // As in an AWS subnet: the router at .1, DNS at .2.
            options += ["host=\(IPv4(base.value + 1))", "dns=\(IPv4(base.value + 2))"]
        }
        options.append("hostname=\(nic.hostname)")
        for forward in nic.forwards {
            options.append("hostfwd=tcp:127.0.0.1:\(forward.hostPort)-:\(forward.guestPort)")
        }
        return options.joined(separator: ",")
    }

    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
