import IaasTesting
import SystemPackage
import Testing

@testable import Store

@Suite("DurableFiles")
final class DurableFilesTests {
    let temporary: ScratchDirectory

    init() throws {
        temporary = try ScratchDirectory()
    }

    @Test(
        "ensureSparseFile makes a file of the exact size with no allocated bytes",
        arguments: [
            0, 1, 4096, 1 << 20, 1 << 30, (4 << 30) + 1, 5 << 30, 1 << 43,
        ] as [Int64])
    func sparseFile(size: Int64) throws {
        let path = temporary.appending("sparse.raw")
        try DurableFiles.ensureSparseFile(at: path, size: size)
        let sizes = try #require(try DurableFiles.sizes(of: path))
        #expect(sizes.size == size)
        #expect(sizes.allocated == 0)
    }

    @Test("ensureSparseFile is idempotent and keeps data within the size")
    func ensureTwice() throws {
        let path = temporary.appending("twice.raw")
        try DurableFiles.ensureSparseFile(at: path, size: 1 * MiB)
        let data = pattern(count: 4096, seed: 1)
        try RawFile.write(data, to: path, at: 8192)
        try DurableFiles.ensureSparseFile(at: path, size: 1 * MiB)
        #expect(try DurableFiles.sizes(of: path)?.size == 1 * MiB)
        #expect(try RawFile.read(path, at: 8192, count: 4096) == data)
    }

    @Test("grow extends a file, keeps its data and leaves the new range unallocated")
    func grow() throws {
        let path = temporary.appending("grow.raw")
        try DurableFiles.ensureSparseFile(at: path, size: 1 * MiB)
        let data = pattern(count: 5000, seed: 2)
        try RawFile.write(data, to: path, at: 100)
        let before = try #require(try DurableFiles.sizes(of: path))
        try DurableFiles.grow(path, to: 5 * GiB)
        let after = try #require(try DurableFiles.sizes(of: path))
        #expect(after.size == 5 * GiB)
        #expect(after.allocated == before.allocated)
        #expect(try RawFile.read(path, at: 100, count: data.count) == data)
        #expect(try RawFile.read(path, at: 4 * GiB, count: 16) == [UInt8](repeating: 0, count: 16))
    }

    @Test("grow never shrinks")
    func growNeverShrinks() throws {
        let path = temporary.appending("noshrink.raw")
        try DurableFiles.ensureSparseFile(at: path, size: 2 * MiB)
        let data = pattern(count: 100, seed: 3)
        try RawFile.write(data, to: path, at: 2 * MiB - 100)
        try DurableFiles.grow(path, to: 1024)
        #expect(try DurableFiles.sizes(of: path)?.size == 2 * MiB)
        #expect(try RawFile.read(path, at: 2 * MiB - 100, count: 100) == data)
        try DurableFiles.grow(path, to: 2 * MiB)
        #expect(try DurableFiles.sizes(of: path)?.size == 2 * MiB)
    }

    @Test("grow of a missing file fails with ENOENT rather than creating it")
    func growMissing() throws {
        let path = temporary.appending("absent.raw")
        do {
            try DurableFiles.grow(path, to: 1 * MiB)
            Issue.record("grow created a missing file")
        } catch {
            #expect(error.errno == .noSuchFileOrDirectory)
            #expect(error.path == path.string)
        }
        #expect(!RawFile.exists(path))
    }

    @Test("copySparse copies the data regions of a 4 GiB sparse file exactly and keeps it sparse")
    func copySparse() throws {
        let source = temporary.appending("source.raw")
        let destination = temporary.appending("copy.raw")
        let size = 4 * GiB
        try DurableFiles.ensureSparseFile(at: source, size: size)
        let regions: [(offset: Int64, bytes: [UInt8])] = [
            (0, pattern(count: Int(3 * MiB), seed: 10)),
            (1 * GiB + 12345, pattern(count: Int(2 * MiB), seed: 11)),
            (size - 1 * MiB, pattern(count: Int(1 * MiB), seed: 12)),
        ]
        for region in regions { try RawFile.write(region.bytes, to: source, at: region.offset) }
        #expect(try DurableFiles.sizes(of: source)?.size == size)

        try DurableFiles.copySparse(from: source, to: destination)

        let copied = try #require(try DurableFiles.sizes(of: destination))
        #expect(copied.size == size)
        #expect(copied.allocated >= 6 * MiB)
        #expect(copied.allocated < 64 * MiB)
        for region in regions {
            #expect(try RawFile.read(destination, at: region.offset, count: region.bytes.count) == region.bytes)
        }
        // Holes read as zeros, including the bytes just before and after a region.
        #expect(try RawFile.read(destination, at: 2 * GiB, count: 4096) == [UInt8](repeating: 0, count: 4096))
        #expect(try RawFile.read(destination, at: 1 * GiB + 12345 - 16, count: 16) == [UInt8](repeating: 0, count: 16))
        #expect(
            try RawFile.read(destination, at: 1 * GiB + 12345 + 2 * MiB, count: 16) == [UInt8](repeating: 0, count: 16))
        #expect(!RawFile.exists(FilePath(destination.string + ".tmp")))
    }

    @Test("copySparse of a file with no data makes an unallocated file of the same size")
    func copyEmptySparse() throws {
        let source = temporary.appending("empty.raw")
        let destination = temporary.appending("empty-copy.raw")
        try DurableFiles.ensureSparseFile(at: source, size: 3 * GiB)
        try DurableFiles.copySparse(from: source, to: destination)
        let copied = try #require(try DurableFiles.sizes(of: destination))
        #expect(copied.size == 3 * GiB)
        #expect(copied.allocated == 0)
    }

    @Test("copySparse replaces an existing destination, whatever its size")
    func copyReplaces() throws {
        let source = temporary.appending("src.raw")
        let destination = temporary.appending("dst.raw")
        try DurableFiles.ensureSparseFile(at: source, size: 1 * MiB)
        let data = pattern(count: 4096, seed: 20)
        try RawFile.write(data, to: source, at: 4096)
        try DurableFiles.ensureSparseFile(at: destination, size: 7 * MiB)
        try RawFile.write(pattern(count: 4096, seed: 21), to: destination, at: 0)
        try DurableFiles.copySparse(from: source, to: destination)
        #expect(try DurableFiles.sizes(of: destination)?.size == 1 * MiB)
        #expect(try RawFile.read(destination, at: 0, count: 4096) == [UInt8](repeating: 0, count: 4096))
        #expect(try RawFile.read(destination, at: 4096, count: 4096) == data)
    }

    @Test("copySparse from a missing source throws")
    func copyMissing() {
        #expect(throws: FileSystemError.self) {
            try DurableFiles.copySparse(from: self.temporary.appending("nope"), to: self.temporary.appending("out"))
        }
        #expect(!RawFile.exists(temporary.appending("out")))
    }

    @Test("removeIfPresent removes a file and is fine when it is missing")
    func removeIfPresent() throws {
        let path = temporary.appending("gone.raw")
        try DurableFiles.removeIfPresent(path)
        try DurableFiles.ensureSparseFile(at: path, size: 10)
        try DurableFiles.removeIfPresent(path)
        #expect(try DurableFiles.sizes(of: path) == nil)
        try DurableFiles.removeIfPresent(path)
    }

    @Test("sizes of a missing file is nil")
    func sizesMissing() throws {
        #expect(try DurableFiles.sizes(of: temporary.appending("missing")) == nil)
    }

    @Test("makeDirectories creates parents, is idempotent; list names entries")
    func directories() throws {
        let deep = temporary.path.appending("a/b/c")
        try DurableFiles.makeDirectories(deep)
        try DurableFiles.makeDirectories(deep)
        try DurableFiles.syncDirectory(deep)
        try DurableFiles.ensureSparseFile(at: deep.appending("x"), size: 1)
        try DurableFiles.ensureSparseFile(at: deep.appending("y"), size: 1)
        #expect(Set(try DurableFiles.list(deep)) == ["x", "y"])
        #expect(try DurableFiles.list(temporary.path.appending("a")) == ["b"])
        #expect(try DurableFiles.list(temporary.path.appending("missing")).isEmpty)
    }

    @Test("syncDirectory of a missing directory throws")
    func syncMissing() {
        #expect(throws: FileSystemError.self) { try DurableFiles.syncDirectory(self.temporary.appending("missing")) }
    }
}
