import SystemPackage
import Testing

@testable import Engine

@Suite("QEMU command line")
struct QEMUCommandLineTests {
    private let files = MachineFiles(runDirectory: "/data/run", id: "i-0123456789abcdef0")

    private func machine(disks: [Disk], nics: [NIC] = []) -> MachineDescription {
        MachineDescription(
            id: "i-0123456789abcdef0", vcpus: 2, memoryMiB: 512, kernel: "/images/vmlinux", initrd: nil,
            kernelArguments: "iaas.extra=1", disks: disks, nics: nics)
    }

    @Test("a volume of two replicas is a quorum that writes both and reads the first")
    func quorum() {
        let replicas = ["/z/ebs-0/vol.0.raw", "/z/ebs-1/vol.0.raw"].map {
            Replica(segments: [Replica.Segment(path: $0, bytes: 1 << 30)])
        }
        let (nodes, descriptors) = QEMUCommandLine.blockdevs(
            Disk(id: "vol-1", backing: .replicated(replicas)), files: files)
        #expect(descriptors.isEmpty)
        #expect(nodes.count == 3)
        #expect(
            nodes[0].contains(#""filename":"\/z\/ebs-0\/vol.0.raw""#) && nodes[0].contains(#""node-name":"vol-1-r0""#))
        #expect(nodes[2].contains(#""driver":"quorum""#) && nodes[2].contains(#""vote-threshold":2"#))
        #expect(
            nodes[2].contains(#""read-pattern":"fifo""#) && nodes[2].contains(#""children":["vol-1-r0","vol-1-r1"]"#))
    }

    @Test("a replica of several segments is opened through a VMDK descriptor of FLAT extents")
    func segments() {
        let replica = Replica(segments: [
            Replica.Segment(path: "/z/vol.0.raw", bytes: 8 << 40),
            Replica.Segment(path: "/z/vol.1.raw", bytes: 1 << 30),
        ])
        let (nodes, descriptors) = QEMUCommandLine.blockdevs(
            Disk(id: "vol-2", backing: .replicated([replica, replica])), files: files)
        #expect(
            descriptors.map(\.path.string) == [
                "/data/run/i-0123456789abcdef0/vol-2.0.vmdk", "/data/run/i-0123456789abcdef0/vol-2.1.vmdk",
            ])
        #expect(
            descriptors[0].text.contains("RW 17179869184 FLAT \"/z/vol.0.raw\" 0\nRW 2097152 FLAT \"/z/vol.1.raw\" 0\n")
        )
        #expect(nodes[0].contains(#""driver":"vmdk""#))
    }

    @Test("the machine: microvm, TCG, the console, QMP, daemonized, isolated networking, hot-plug slots")
    func arguments() {
        let nic = NIC(
            mac: "02:00:ac:1f:05:09", address: "172.31.5.9", hostname: "ip-172-31-5-9", subnet: "172.31.0.0/20",
            forwards: [NIC.PortForward(hostPort: 40080, guestPort: 80)])
        let line = QEMUCommandLine(
            machine: machine(disks: [Disk(id: "store", backing: .local(path: "/z/is/i.raw"))], nics: [nic]),
            files: files, acceleration: .tcg, tscKHz: 2_596_122)
        let arguments = line.arguments().arguments
        func value(_ flag: String) -> [String] {
            arguments.indices.filter { arguments[$0] == flag }.map { arguments[$0 + 1] }
        }
        #expect(value("-M") == ["microvm,acpi=on,pcie=on,rtc=on"])
        #expect(value("-accel") == ["tcg,tb-size=32"] && value("-smp") == ["2"] && value("-m") == ["512M"])
        #expect(value("-append").first?.contains("tsc_early_khz=2596122") == true)
        #expect(value("-append").first?.hasSuffix("pcie_ports=native iaas.extra=1") == true)
        #expect(arguments.contains("-daemonize") && value("-pidfile") == ["/data/run/i-0123456789abcdef0/vmm.pid"])
        #expect(value("-qmp") == ["unix:/data/run/i-0123456789abcdef0/qmp.sock,server=on,wait=off"])
        #expect(
            value("-netdev") == [
                "user,id=net0,restrict=on,net=172.31.0.0/20,dhcpstart=172.31.5.9,host=172.31.0.1,dns=172.31.0.2,hostname=ip-172-31-5-9,hostfwd=tcp:127.0.0.1:40080-:80"
            ])
        #expect(value("-device").filter { $0.hasPrefix("pcie-root-port") }.count == QEMUCommandLine.hotplugSlots)
        #expect(QEMUCommandLine.escaped("/a,b") == "/a,,b")
    }

    @Test("readiness: only a whole line counts")
    func readiness() {
        #expect(GuestReadiness(console: Array("iaas-guest: ready hostname=h address=172.".utf8)) == nil)
        #expect(
            GuestReadiness(console: Array("boot\r\niaas-guest: ready hostname=h address=none root=mounted\r\n".utf8))
                == GuestReadiness(hostname: "h", address: nil, rootMounted: true))
    }

    @Test("a kernel's stall report is found, and nothing else is taken for one")
    func stall() {
        let hung =
            "[    0.39] PCI: Fatal: No config space access function found\r\n"
            + "[   21.80] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\r\n[   21.81] rcu: \t1-...!: (3 ticks)\r\n"
        #expect(
            QEMUDriver.stall(in: Array(hung.utf8)) == "[   21.80] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
        )
        #expect(QEMUDriver.stall(in: Array("[    0.39] rcu: Hierarchical RCU implementation.\r\n".utf8)) == nil)
        #expect(QEMUDriver.stall(in: []) == nil)
    }
}
