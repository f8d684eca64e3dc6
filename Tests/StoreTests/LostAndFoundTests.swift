import IaasTesting
import SystemPackage
import Testing

@testable import Store

@Suite("LostAndFound")
final class LostAndFoundTests {
    let temporary: ScratchDirectory
    let directory: DataDirectory
    let lostAndFound: LostAndFound

    init() throws {
        temporary = try ScratchDirectory()
        directory = DataDirectory(root: temporary.path)
        try directory.prepare(zones: ["us-east-1a", "us-east-1b"])
        lostAndFound = LostAndFound(dataDirectory: directory)
    }

    @Test("keep moves a file with its content, and never overwrites one already kept")
    func keep() throws {
        let zone = directory.zone("us-east-1a")
        for content: UInt8 in [1, 2, 3] {
            let path = zone.ebs(replica: 0).appending("vol-0123456789abcdef0.0.raw")
            try RawFile.write([content], to: path, at: 0, create: true)
            try lostAndFound.keep(path, zone: zone)
            #expect(!RawFile.exists(path))
        }
        let kept = zone.lostAndFound
        #expect(
            Set(try DurableFiles.list(kept)) == [
                "vol-0123456789abcdef0.0.raw", "vol-0123456789abcdef0.0.raw.1", "vol-0123456789abcdef0.0.raw.2",
            ])
        #expect(try RawFile.read(kept.appending("vol-0123456789abcdef0.0.raw"), at: 0, count: 1) == [1])
        #expect(try RawFile.read(kept.appending("vol-0123456789abcdef0.0.raw.2"), at: 0, count: 1) == [3])
        #expect(try lostAndFound.count() == 3)
    }

    @Test("zones hold data when any area but lost+found has an entry")
    func zonesHoldData() throws {
        #expect(try !lostAndFound.zonesHoldData())
        let kept = directory.zone("us-east-1b").lostAndFound.appending("old")
        try DurableFiles.makeDirectories(kept.removingLastComponent())
        try RawFile.write([1], to: kept, at: 0, create: true)
        #expect(try !lostAndFound.zonesHoldData(), "what is already in lost+found is adopted")
        try RawFile.write([1], to: directory.zone("us-east-1b").blobs.appending("x"), at: 0, create: true)
        #expect(try lostAndFound.zonesHoldData())
    }
}
