import IaasTesting
import SystemPackage
import Testing

@testable import Store

#if canImport(Glibc)
    import Glibc
#endif

@Suite("DataDirectory")
final class DataDirectoryTests {
    let temporary: ScratchDirectory

    init() throws {
        temporary = try ScratchDirectory()
    }

    @Test("paths of the layout")
    func layout() {
        let directory = DataDirectory(root: "/var/lib/iaasd")
        #expect(directory.database == "/var/lib/iaasd/iaas.sqlite")
        #expect(directory.run == "/var/lib/iaasd/run")
        #expect(directory.defaultSocket == "/var/lib/iaasd/iaasd.sock")
        let zone = directory.zone("us-east-1b")
        #expect(zone.root == "/var/lib/iaasd/zones/us-east-1b")
        #expect(zone.ebs(replica: 1) == "/var/lib/iaasd/zones/us-east-1b/ebs-1")
        #expect(zone.blobs == "/var/lib/iaasd/zones/us-east-1b/blobs")
        #expect(zone.instanceStore == "/var/lib/iaasd/zones/us-east-1b/instance-store")
    }

    @Test("prepare creates every directory of every zone, idempotently")
    func prepare() throws {
        let directory = DataDirectory(root: temporary.path)
        try directory.prepare(zones: ["us-east-1a", "us-east-1b"])
        try directory.prepare(zones: ["us-east-1a", "us-east-1b"])
        #expect(RawFile.exists(directory.run))
        for name in ["us-east-1a", "us-east-1b"] {
            let zone = directory.zone(name)
            #expect(Set(try DurableFiles.list(zone.root)) == ["ebs-0", "ebs-1", "blobs", "instance-store"])
        }
        #expect(Set(try DurableFiles.list(temporary.path.appending("zones"))) == ["us-east-1a", "us-east-1b"])
    }

    @Test("prepare makes every directory owner-only, and narrows ones made wider before")
    func modes() throws {
        let directory = DataDirectory(root: temporary.path)
        try directory.prepare(zones: ["us-east-1a"])
        let zone = directory.zone("us-east-1a")
        let paths = [directory.root, directory.run, zone.root, zone.ebs(replica: 0), zone.ebs(replica: 1), zone.blobs]
        for path in paths { #expect(chmod(path.string, 0o755) == 0) }
        try directory.prepare(zones: ["us-east-1a"])
        for path in paths {
            var info = stat()
            #expect(stat(path.string, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o700, "\(path)")
        }
    }
}
