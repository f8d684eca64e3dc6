@preconcurrency import Crypto
import NIOCore

/// Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n … 0…\r\n<trailers>\r\n`),
/// as SDKs send streamed uploads: unsigned with trailing checksums, or with each chunk signed in a chain that
/// starts at the request's signature.
struct AWSChunkedDecoder: Sendable {
    /// What verifies a signed chunk: the request's signing key, time and scope, and the signature before it.
    struct ChunkSigning: Sendable {
        var key: SymmetricKey
        var amzDate: String
        var scope: String
        var previous: String
    }

    enum Failure: Error, Equatable {
        case malformed(String)
        case signature
    }

    /// The trailing headers (`x-amz-checksum-crc32`), by lowercase name.
    private(set) var trailers: [String: String] = [:]
    private(set) var isFinished = false

    private enum State {
        case size, data, dataEnd, trailer, done
    }

    private var signing: ChunkSigning?
    private var state = State.size
    private var line: [UInt8] = []
    private var remaining = 0
    private var chunkSignature: String?
    private var chunkHash = SHA256()
    private var trailerText = ""
    private static let emptyHash = CanonicalRequest.hex(SHA256.hash(data: [UInt8]()))
    private static let maxLine = 4096

    init(signing: ChunkSigning? = nil) {
        self.signing = signing
    }

    /// The data bytes in `buffer`, in order, as slices of it.
    mutating func decode(_ buffer: ByteBuffer) throws(Failure) -> [ByteBuffer] {
        var buffer = buffer
        var data: [ByteBuffer] = []
        while buffer.readableBytes > 0 {
            switch state {
            case .data:
                let count = min(remaining, buffer.readableBytes)
                guard let slice = buffer.readSlice(length: count) else { throw .malformed("a chunk was cut short") }
                if signing != nil { slice.withUnsafeReadableBytes { chunkHash.update(bufferPointer: $0) } }
                data.append(slice)
                remaining -= count
                if remaining == 0 { state = .dataEnd }
            case .size, .dataEnd, .trailer:
                guard let byte = buffer.readInteger(as: UInt8.self) else { break }
                if byte == UInt8(ascii: "\n") {
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    let text = String(decoding: line, as: UTF8.self)
                    line = []
                    try endOfLine(text)
                } else {
                    line.append(byte)
                    guard line.count <= Self.maxLine else { throw .malformed("a chunk header is too long") }
                }
            case .done:
                throw .malformed("bytes follow the last chunk's trailer")
            }
        }
        return data
    }

    /// Checks that the body ended where the encoding says it ends.
    mutating func finish() throws(Failure) {
        if state == .trailer, line.isEmpty { try endOfLine("") }
        guard state == .done else { throw .malformed("the body ended inside a chunk") }
        isFinished = true
    }

    private mutating func endOfLine(_ text: String) throws(Failure) {
        switch state {
        case .size:
            let parts = text.split(separator: ";", maxSplits: 1)
            guard let sizeText = parts.first, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw .malformed("'\(text.prefix(40))' is not a chunk size")
            }
            chunkSignature = parts.count > 1 ? Self.signature(in: parts[1]) : nil
            if signing != nil, chunkSignature == nil { throw .malformed("a chunk of a signed body has no signature") }
            if size == 0 {
                try verifyChunk()
                state = .trailer
            } else {
                remaining = size
                state = .data
            }
        case .dataEnd:
            guard text.isEmpty else { throw .malformed("a chunk's data runs past its size") }
            try verifyChunk()
            state = .size
        case .trailer:
            if text.isEmpty {
                state = .done
                return
            }
            guard let colon = text.firstIndex(of: ":") else {
                throw .malformed("'\(text.prefix(40))' is not a trailer")
            }
            let name = text[..<colon].lowercased()
            let value = String(text[text.index(after: colon)...].trimmingSpaces)
            if name == "x-amz-trailer-signature" {
                try verifyTrailer(value)
            } else {
                trailers[name] = value
                trailerText += "\(name):\(value)\n"
            }
        case .data, .done:
            break
        }
    }

    private static func signature(in extensions: Substring) -> String? {
        let prefix = "chunk-signature="
        return extensions.hasPrefix(prefix) ? String(extensions.dropFirst(prefix.count)) : nil
    }

    private mutating func verifyChunk() throws(Failure) {
        guard var signing, let chunkSignature else { return }
        let toSign = [
            "AWS4-HMAC-SHA256-PAYLOAD", signing.amzDate, signing.scope, signing.previous, Self.emptyHash,
            CanonicalRequest.hex(chunkHash.finalize()),
        ].joined(separator: "\n")
        let expected = CanonicalRequest.signature(stringToSign: toSign, key: signing.key)
        guard expected == chunkSignature.lowercased() else { throw .signature }
        signing.previous = expected
        self.signing = signing
        chunkHash = SHA256()
    }

    private mutating func verifyTrailer(_ signature: String) throws(Failure) {
        guard let signing else { return }
        let toSign = [
            "AWS4-HMAC-SHA256-TRAILER", signing.amzDate, signing.scope, signing.previous,
            CanonicalRequest.hex(SHA256.hash(data: Array(trailerText.utf8))),
        ].joined(separator: "\n")
        guard CanonicalRequest.signature(stringToSign: toSign, key: signing.key) == signature.lowercased() else {
            throw .signature
        }
    }
}
