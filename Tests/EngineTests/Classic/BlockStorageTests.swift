import Engine
import Foundation
import IaasTesting
import Testing

/// The classic disk's storage: replicas that all get every write, and the instance-store root that reads
/// its image until the guest writes, making its overlay file only then.
@Suite("Classic block storage")
struct BlockStorageTests {
    @Test func anOverlayReadsItsBaseUntilWrittenAndMakesItsFileAtTheFirstWrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = directory.path + "/base.raw"
        let image = (0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try Data(image).write(to: URL(fileURLWithPath: base))
        let overlayPath = directory.path + "/overlay.raw"
        let disk = EphemeralOverlay(base: base, path: overlayPath, bytes: 8192)

        #expect(try disk.read(at: 100, count: 300) == Array(image[100..<400]))
        #expect(try disk.read(at: 4000, count: 192) == Array(image[4000..<4096]) + [UInt8](repeating: 0, count: 96))
        #expect(!FileManager.default.fileExists(atPath: overlayPath), "no file before the first write")

        // A write inside one sector keeps the rest of the sector as the image had it.
        try disk.write([1, 2, 3], at: 600)
        #expect(FileManager.default.fileExists(atPath: overlayPath))
        var expected = image
        expected.replaceSubrange(600..<603, with: [1, 2, 3])
        #expect(try disk.read(at: 0, count: 4096) == expected)
        // A write across sectors, and one past the image's end.
        try disk.write([UInt8](repeating: 9, count: 1000), at: 1000)
        try disk.write([5, 5], at: 5000)
        expected.replaceSubrange(1000..<2000, with: [UInt8](repeating: 9, count: 1000))
        #expect(try disk.read(at: 0, count: 4096) == expected)
        #expect(try disk.read(at: 4999, count: 4) == [0, 5, 5, 0])
        // The image itself is never written.
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: base))) == image)
    }

    @Test func replicasEachGetEveryWrite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = [directory.path + "/a", directory.path + "/b"]
        for path in paths { try Data(count: 2048).write(to: URL(fileURLWithPath: path)) }
        let disk = try ReplicatedFiles(paths)
        try disk.write([7, 8, 9], at: 1024)
        try disk.flush()
        for path in paths {
            #expect(Array(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))[1023..<1028]) == [0, 7, 8, 9, 0])
        }
        #expect(throws: (any Error).self) { try ReplicatedFiles([directory.path + "/missing"]) }
    }
}
