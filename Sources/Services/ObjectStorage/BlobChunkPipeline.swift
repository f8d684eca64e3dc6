import API
import Foundation
import Store

/// Writes a body's bytes as file blobs of `chunkSize` bytes while the body keeps arriving: each staged
/// write runs off the event loops while the next bytes are received, and each full chunk's fsyncs and
/// renames run in the background, up to `maxFinishing` at once, while later chunks are written. A put so
/// waits for the disk once at its end rather than once per chunk (an fsync costs milliseconds here, a
/// chunk's bytes a few more).
///
/// Every digest is pinned before its blob is placed; `finish` and `abandon` return them all for the
/// caller to unpin. Used by one task at a time.
final class BlobChunkPipeline: @unchecked Sendable {
    private typealias Finishing = (
        writer: BlobWriter, size: Int, task: Task<Result<BlobDigest, FileSystemError>, Never>
    )

    private let store: BlobStore
    private let chunkSize: Int
    private let pins: BlobPins
    private let maxFinishing: Int
    private var writer: BlobWriter?
    /// Bytes given to the current writer so far (its own count lags while a write is in flight).
    private(set) var currentFill = 0
    private var write: Task<Result<Void, FileSystemError>, Never>?
    private var finishing: [Finishing] = []
    private var done: [(digest: BlobDigest, size: Int)] = []

    init(store: BlobStore, chunkSize: Int, pins: BlobPins, maxFinishing: Int = 4) {
        self.store = store
        self.chunkSize = chunkSize
        self.pins = pins
        self.maxFinishing = maxFinishing
    }

    /// Whether a chunk has bytes not yet finished.
    var hasOpenChunk: Bool { currentFill > 0 }

    /// Hands bytes to the chunks, starting a new chunk and finishing full ones as needed. Returns once
    /// the previous write is done and this one has started.
    func append(_ chunks: [PayloadChunk]) async throws(FileSystemError) {
        var pieces = chunks[...]
        while let first = pieces.first {
            let current: BlobWriter
            if let writer {
                current = writer
            } else {
                current = try store.writer()
                writer = current
            }
            // The pieces that fit in this blob; the one that straddles its end is cut.
            var batch: [PayloadChunk] = []
            var room = chunkSize - currentFill
            var next = first
            while room > 0 {
                if next.count <= room {
                    batch.append(next)
                    room -= next.count
                    pieces.removeFirst()
                    guard let following = pieces.first else { break }
                    next = following
                } else {
                    batch.append(next.slice(0..<room))
                    pieces[pieces.startIndex] = next.slice(room..<next.count)
                    room = 0
                }
            }
            let taken = chunkSize - currentFill - room
            try await settleWrite()
            let written = batch
            write = Task {
                await BlockingIO.run { () -> Result<Void, FileSystemError> in
                    for piece in written {
                        let result = piece.withUnsafeBytes { pointer in
                            Result { () throws(FileSystemError) in try current.write(pointer) }
                        }
                        if case .failure = result { return result }
                    }
                    return .success(())
                }
            }
            currentFill += taken
            if currentFill == chunkSize { try await closeChunk() }
        }
    }

    /// Finishes the last chunk and waits for every chunk to be durable; returns them in order.
    func finish() async throws(FileSystemError) -> [(digest: BlobDigest, size: Int)] {
        if currentFill > 0 { try await closeChunk() }
        while !finishing.isEmpty { try await settleOldest() }
        return done
    }

    /// Gives up: waits for work in flight, throws away what is not placed, and returns every digest
    /// pinned so far (for the caller to unpin; placed blobs no row refers to go to the collector).
    func abandon() async -> [BlobDigest] {
        _ = await write?.value
        write = nil
        writer?.abandon()
        writer = nil
        for entry in finishing {
            if case .success(let digest) = await entry.task.value { done.append((digest, entry.size)) }
            entry.writer.abandon()
        }
        finishing = []
        return done.map(\.digest)
    }

    private func settleWrite() async throws(FileSystemError) {
        guard let pending = write else { return }
        write = nil
        try await pending.value.get()
    }

    private func closeChunk() async throws(FileSystemError) {
        try await settleWrite()
        guard let current = writer else { return }
        let size = currentFill
        writer = nil
        currentFill = 0
        let pins = pins
        let task = Task {
            await BlockingIO.run { () -> Result<BlobDigest, FileSystemError> in
                Result { () throws(FileSystemError) in
                    try current.finish(pin: { pins.pin($0) }, unpin: { pins.unpin([$0]) })
                }
            }
        }
        finishing.append((current, size, task))
        if finishing.count > maxFinishing { try await settleOldest() }
    }

    private func settleOldest() async throws(FileSystemError) {
        let oldest = finishing.removeFirst()
        switch await oldest.task.value {
        case .success(let digest): done.append((digest, oldest.size))
        case .failure(let error): throw error
        }
    }
}
