import API
import NIOCore
import Testing

@testable import iaasd

/// The connection's rules as a value: when it reads, decodes, pauses, resumes, drains and closes.
@Suite("ConnectionStateMachine")
struct ConnectionStateMachineTests {
    private func machine(maxInFlight: Int = 2) -> ConnectionStateMachine {
        ConnectionStateMachine(limits: FrameLimits(), maxInFlight: maxInFlight)
    }

    private func lines(_ count: Int, from first: Int = 1) -> ByteBuffer {
        var buffer = ByteBuffer()
        for id in first..<first + count { buffer.writeString(#"{"id":\#(id)}"# + "\n") }
        return buffer
    }

    /// Pulls frames until the machine says to wait, starting each request it serves.
    private func serveAll(_ machine: inout ConnectionStateMachine) -> [Int] {
        var served: [Int] = []
        while let action = machine.nextFrame() {
            if case .serve(let message, _) = action {
                machine.started()
                served.append(message["id"]?.intValue ?? -1)
            }
        }
        return served
    }

    @Test("at the in-flight cap it stops decoding and holds reads; a finished request resumes both")
    func inFlightCap() {
        var state = machine(maxInFlight: 2)
        state.bytesRead(lines(5))
        #expect(serveAll(&state) == [1, 2])
        #expect(state.pauseReason == "paused at the in-flight cap")
        #expect(state.bufferedBytes > 0, "the rest waits undecoded")
        let step1 = state.readRequested()
        #expect(!step1)
        #expect(state.readHeld)
        let step2 = state.finished()
        #expect(step2 == .resume(passRead: true))
        #expect(serveAll(&state) == [3])
        let step3 = state.finished()
        #expect(step3 == .resume(passRead: false))
        let step4 = state.finished()
        #expect(step4 == .resume(passRead: false))
        #expect(serveAll(&state) == [4, 5])
    }

    @Test("a peer that does not read pauses decoding until the channel is writable again")
    func writability() {
        var state = machine(maxInFlight: 64)
        state.bytesRead(lines(3))
        let step5 = state.writabilityChanged(false)
        #expect(step5 == .none)
        let step6 = state.nextFrame()
        #expect(step6 == nil)
        #expect(state.pauseReason == "paused for writability")
        let step7 = state.readRequested()
        #expect(!step7)
        let step8 = state.writabilityChanged(true)
        #expect(step8 == .resume(passRead: true))
        #expect(serveAll(&state) == [1, 2, 3])
        let step9 = state.readRequested()
        #expect(step9)
    }

    @Test("a request finishing while unwritable does not resume")
    func finishWhileUnwritable() {
        var state = machine(maxInFlight: 1)
        state.bytesRead(lines(2))
        #expect(serveAll(&state) == [1])
        _ = state.writabilityChanged(false)
        let step10 = state.finished()
        #expect(step10 == .none)
        let step11 = state.nextFrame()
        #expect(step11 == nil)
        let step12 = state.writabilityChanged(true)
        #expect(step12 == .resume(passRead: false))
        #expect(serveAll(&state) == [2])
    }

    @Test("draining reads nothing new and closes once the last request in flight is answered")
    func drain() {
        var state = machine(maxInFlight: 4)
        state.bytesRead(lines(1))
        #expect(serveAll(&state) == [1])
        state.bytesRead(lines(1, from: 2))
        let step13 = state.drain()
        #expect(step13 == .none)
        let step14 = state.nextFrame()
        #expect(step14 == nil, "a request read after the drain began is not started")
        let step15 = state.readRequested()
        #expect(!step15)
        let step16 = state.finished()
        #expect(step16 == .close)
        #expect(state.lifecycle == .closing)
    }

    @Test("draining an idle connection closes it at once")
    func drainIdle() {
        var state = machine()
        let step17 = state.drain()
        #expect(step17 == .close)
        let step18 = state.drain()
        #expect(step18 == .none)
    }

    @Test("the idle timeout closes only a connection with nothing in flight")
    func idle() {
        var state = machine()
        state.bytesRead(lines(1))
        #expect(serveAll(&state) == [1])
        let step19 = state.idle()
        #expect(step19 == .none)
        _ = state.finished()
        let step20 = state.idle()
        #expect(step20 == .close)
    }

    @Test("a framing fault answers and closes; bytes after it are never decoded")
    func fatal() {
        var state = machine()
        var bytes = ByteBuffer(string: #"{"a":{"$bytes":1},"b":{"$bytes":1}}"# + "\n")
        var more = lines(1)
        bytes.writeBuffer(&more)
        state.bytesRead(bytes)
        guard case .answerAndClose = state.nextFrame() else {
            Issue.record("expected answerAndClose")
            return
        }
        let step21 = state.nextFrame()
        #expect(step21 == nil)
        state.bytesRead(lines(1))
        let step22 = state.nextFrame()
        #expect(step22 == nil)
        let step23 = state.readRequested()
        #expect(!step23)
        #expect(state.lifecycle == .closing)
    }

    @Test("a payload's bytes are skipped and its message is served once they have all arrived")
    func payload() {
        var state = machine()
        state.bytesRead(ByteBuffer(string: #"{"id":1,"Body":{"$bytes":9}}"# + "\n" + #"{"id":"#))
        let step24 = state.nextFrame()
        #expect(step24 == nil)
        state.bytesRead(ByteBuffer(string: "9}\n" + #"{"id":2}"# + "\n"))
        guard case .serve(let message, let length) = state.nextFrame() else {
            Issue.record("expected the payload's message")
            return
        }
        #expect(message["id"] == 1)
        #expect(length == 9)
        state.started()
        #expect(serveAll(&state) == [2])
    }
}

extension ConnectionStateMachine.FrameAction: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.serve(let a, let l), .serve(let b, let r)): a == b && l == r
        case (.answer(let a), .answer(let b)), (.answerAndClose(let a), .answerAndClose(let b)): a == b
        default: false
        }
    }
}
