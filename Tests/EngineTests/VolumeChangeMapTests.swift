import Engine
import Foundation
import IaasTesting
import Testing

/// The change map's rules: a capture knows what changed only since a snapshot it was told completed, only
/// while every writer marked, and never after a capture that did not end; marks made after a freeze count
/// for the next capture, whatever happens to this one.
@Suite("Volume change maps")
struct VolumeChangeMapTests {
    static let block = UInt64(VolumeChangeMap.blockSize)

    private func newMap(_ directory: TemporaryDirectory) throws -> (String, VolumeChangeMap) {
        let path = VolumeChangeMap.path(forFirstSegment: directory.path + "/vol-0123456789abcdef0.0.raw")
        #expect(path == directory.path + "/vol-0123456789abcdef0.changes")
        try VolumeChangeMap.create(at: path)
        return (path, try #require(VolumeChangeMap.open(at: path)))
    }

    @Test func aCaptureKnowsTheBlocksWrittenSinceTheLastCompletedOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, map) = try newMap(directory)
        map.markWritten(offset: 0, count: 10)

        // A new map knows nothing: the first capture reads everything, and counts from its freeze.
        let first = map.freeze(blocks: 64)
        #expect(first.changed == nil && first.baseSnapshotId == nil)
        map.markWritten(offset: 3 * Self.block + 100, count: 10)  // after the freeze: for the next capture
        map.thaw(first, completed: "snap-1", writerMarks: true)

        // A write across a block boundary marks both blocks; the map is shared by every opener.
        let writer = try #require(VolumeChangeMap.open(at: path))
        writer.markWritten(offset: 10 * Self.block - 1, count: 2)
        let second = map.freeze(blocks: 64)
        #expect(second.changed == [3, 9, 10] && second.baseSnapshotId == "snap-1")
        map.thaw(second, completed: "snap-2", writerMarks: true)

        // Nothing written: nothing changed since snap-2.
        let third = map.freeze(blocks: 64)
        #expect(third.changed == [] && third.baseSnapshotId == "snap-2")
        map.thaw(third, completed: "snap-3", writerMarks: true)
    }

    @Test func aFailedCaptureOrAWriterThatDoesNotMarkMakesTheNextReadEverything() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, map) = try newMap(directory)
        /// A capture that completes as `snapshot` and says what it found changed.
        func capture(_ snapshot: String, _ reader: VolumeChangeMap? = nil) -> [Int64]? {
            let reader = reader ?? map
            let freeze = reader.freeze(blocks: 64)
            reader.thaw(freeze, completed: snapshot, writerMarks: true)
            return freeze.changed
        }
        _ = capture("snap-1")
        #expect(capture("snap-2") == [])

        map.markWritten(offset: 0, count: 1)
        map.thaw(map.freeze(blocks: 64), completed: nil, writerMarks: true)
        #expect(capture("snap-3") == nil, "a capture that failed lost its marks")
        #expect(capture("snap-4") == [], "the one after it tracks again")

        // A crash between freeze and thaw: the frozen marks are lost, whoever opens the map next.
        map.markWritten(offset: 0, count: 1)
        _ = map.freeze(blocks: 64)
        let reopened = try #require(VolumeChangeMap.open(at: path))
        #expect(capture("snap-5", reopened) == nil)
        #expect(capture("snap-6", reopened) == nil, "the stale capture's own freeze knew nothing")
        reopened.markWritten(offset: 5 * Self.block, count: 1)
        #expect(capture("snap-7", reopened) == [5])

        let freeze = map.freeze(blocks: 64)
        map.thaw(freeze, completed: "snap-8", writerMarks: false)
        #expect(freeze.changed == [])
        #expect(capture("snap-9") == nil, "a writer that does not mark had the volume")

        #expect(capture("snap-10") == [])
        map.untrack()
        #expect(capture("snap-11") == nil, "QEMU got the volume")
        #expect(capture("snap-12") == [])
    }

    @Test func aFileThatIsNotAMapIsNotOpened() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(VolumeChangeMap.open(at: directory.path + "/absent.changes") == nil)
        let other = directory.path + "/other.changes"
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: other))
        #expect(VolumeChangeMap.open(at: other) == nil)
    }
}
