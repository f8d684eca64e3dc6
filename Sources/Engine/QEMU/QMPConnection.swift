import Foundation
import NIOCore
import NIOPosix

/// A connection to a QEMU's QMP socket (or a classic worker's, which speaks the same wire format):
/// capabilities negotiated, commands answered by id, and events passed to a handler. It ends when the VMM
/// closes the socket, which is how a driver learns that a machine (or a worker) is gone.
actor QMPConnection {
    private var pending: [Int: CheckedContinuation<QMPValue, any Error>] = [:]
    private var nextID = 1
    private var outgoing: AsyncStream<ByteBuffer>.Continuation?
    private var isClosed = false

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects and negotiates capabilities. `onEvent` sees every event; `onClose` runs once when the
    /// connection ends (QEMU exited, or `close`).
    static func connect(
        to path: String, onEvent: @escaping @Sendable (String, QMPValue) -> Void,
        onClose: @escaping @Sendable () -> Void
    ) async throws -> QMPConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(QMPLineDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let connection = QMPConnection()
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        await connection.setOutgoing(continuation)
        Task {
            try? await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await buffer in stream { try await outbound.write(buffer) }
                    }
                    group.addTask {
                        for try await line in inbound {
                            await connection.receive(line, onEvent: onEvent)
                        }
                    }
                    // Either side ending ends the connection.
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
            await connection.closed()
            onClose()
        }
        _ = try await connection.execute("qmp_capabilities")
        return connection
    }

    private func setOutgoing(_ continuation: AsyncStream<ByteBuffer>.Continuation) {
        outgoing = continuation
    }

    /// Runs a command; returns its `return` value, or throws QMP's error, or a timeout (a QEMU that
    /// serves another client first, or that hangs, never blocks its caller for long).
    func execute(
        _ command: String, _ arguments: [String: QMPValue] = [:], timeout: Duration = .seconds(10)
    ) async throws -> QMPValue {
        guard !isClosed, let outgoing else { throw Failure(description: "the QMP connection is closed") }
        let id = nextID
        nextID += 1
        var message: [String: QMPValue] = ["execute": .string(command), "id": .number(Double(id))]
        if !arguments.isEmpty { message["arguments"] = .object(arguments) }
        var line = try JSONEncoder().encode(QMPValue.object(message))
        line.append(UInt8(ascii: "\n"))
        let timer = Task {
            try await Task.sleep(for: timeout)
            self.timeOut(id, command)
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            pending[id] = continuation
            outgoing.yield(ByteBuffer(bytes: line))
        }
    }

    private func timeOut(_ id: Int, _ command: String) {
        pending.removeValue(forKey: id)?.resume(
            throwing: Failure(description: "the VMM did not answer \(command) in time"))
    }

    private func receive(_ line: ByteBuffer, onEvent: @Sendable (String, QMPValue) -> Void) {
        guard let message = try? JSONDecoder().decode(QMPValue.self, from: Data(line.readableBytesView)) else {
            return
        }
        if let event = message["event"]?.string {
            onEvent(event, message["data"] ?? .null)
            return
        }
        guard case .number(let number)? = message["id"], let continuation = pending.removeValue(forKey: Int(number))
        else { return }
        if let error = message["error"] {
            continuation.resume(
                throwing: Failure(
                    description: "\(error["class"]?.string ?? "Error"): \(error["desc"]?.string ?? "unknown")"))
        } else {
            continuation.resume(returning: message["return"] ?? .null)
        }
    }

    private func closed() {
        isClosed = true
        outgoing?.finish()
        for continuation in pending.values {
            continuation.resume(throwing: Failure(description: "the VMM closed its control socket"))
        }
        pending.removeAll()
    }

    /// Closes the connection (the machine runs on).
    func close() {
        outgoing?.finish()
    }
}

/// Splits QMP's stream into its newline-terminated JSON messages.
struct QMPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// A QMP reply larger than this is not one this driver asked for.
    static let maxLine = 4 << 20

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLine { throw QMPConnection.Failure(description: "QMP line too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        let line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }
}
