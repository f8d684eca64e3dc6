import API
import Foundation
import IaasTesting
import Testing

@Suite("SQS tags, peek and the in-flight cap")
struct QueueExtrasTests {
    @Test func tagsAreSetListedAndRemoved() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.call(
            Methods.createQueue, CreateQueueRequest(queueName: "tagged", tags: ["team": "web"])
        ).queueUrl
        _ = try await client.call(
            Methods.tagQueue, TagQueueRequest(queueUrl: url, tags: ["env": "dev", "team": "api"]))
        var tags = try await client.call(Methods.listQueueTags, QueueRequest(queueUrl: url)).tags
        #expect(tags?.entries == ["env": "dev", "team": "api"])
        _ = try await client.call(Methods.untagQueue, UntagQueueRequest(queueUrl: url, tagKeys: ["team"]))
        tags = try await client.call(Methods.listQueueTags, QueueRequest(queueUrl: url)).tags
        #expect(tags?.entries == ["env": "dev"])
        let many = WireMap(Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") }))
        #expect(
            await awsCode { _ = try await client.call(Methods.tagQueue, TagQueueRequest(queueUrl: url, tags: many)) }
                == "InvalidParameterValue")
        await fixture.stop()
    }

    @Test func aPeekShowsMessagesAndChangesNothing() async throws {
        let fixture = try await DaemonFixture.start()
        let client = fixture.client
        let url = try await client.createQueue("peek")
        for body in ["one", "two", "three"] { _ = try await client.send(url, body) }
        _ = try await client.receive(url, max: 1, visibility: 600)
        let peeked = try await client.call(Methods.peekMessages, PeekMessagesRequest(queueUrl: url)).messages
        #expect(peeked.map(\.body) == ["one", "two", "three"])
        #expect(peeked.map(\.state) == ["in-flight", "visible", "visible"])
        #expect(peeked[0].attributes["ApproximateReceiveCount"] == "1")
        // Nothing changed: the counts, and the next receive's order.
        #expect(try await client.queueCounts(url) == (2, 1, 0))
        #expect(try await client.receive(url, max: 2).map(\.body) == ["two", "three"])
        await fixture.stop()
    }

    @Test func atTheInFlightCapAShortPollIsOverLimitAndALongPollWaits() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let daemon = try await DaemonProcess(
            dataDirectory: directory.path + "/data", environment: ["IAASD_SQS_MAX_IN_FLIGHT": "3"])
        let client = try await daemon.client()
        let url = try await client.createQueue("capped")
        for index in 0..<5 { _ = try await client.send(url, "m\(index)") }
        let first = try await client.receive(url, max: 3, visibility: 600)
        #expect(first.count == 3)
        #expect(await awsCode { _ = try await client.receive(url) } == "OverLimit")
        #expect(try await client.receive(url, wait: 1).isEmpty)
        // A delete frees a slot.
        try await client.delete(url, first[0])
        #expect(try await client.receive(url, max: 10).count == 1)
        await client.close()
        #expect(await daemon.terminate() == 0)
    }
}
