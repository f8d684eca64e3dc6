import API
import ArgumentParser
import Foundation

extension Iaasctl {
    /// `Key=Value` pairs (`--attributes VisibilityTimeout=60 DelaySeconds=5`), as the AWS CLI's shorthand.
    static func pairs(_ values: [String], option: String) throws -> WireMap<String>? {
        guard !values.isEmpty else { return nil }
        var map = WireMap<String>()
        for value in values {
            for pair in value.split(separator: ",") {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    throw ValidationError("\(option) takes Name=Value pairs; got '\(pair)'.")
                }
                map[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
        }
        return map
    }

    struct CreateQueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an SQS queue (or get the URL of the same one).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "1 to 80 letters, digits, - and _; a FIFO queue's ends in .fifo.")
        var queueName: String

        @Option(
            parsing: .upToNextOption,
            help: "Name=Value (VisibilityTimeout, DelaySeconds, MessageRetentionPeriod, FifoQueue=true, ...)."
        )
        var attributes: [String] = []

        @Option(parsing: .upToNextOption, help: "Key=Value")
        var tags: [String] = []

        func run() async throws {
            let request = CreateQueueRequest(
                queueName: queueName, attributes: try pairs(attributes, option: "--attributes"),
                tags: try pairs(tags, option: "--tags"))
            try await Invocation(options: global).run(Methods.createQueue, request) { result in
                Table(headers: ["QUEUE-URL"], rows: [[result.queueUrl]])
            }
        }
    }

    struct ListQueues: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queue URLs.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only queues whose name starts with this.")
        var queueNamePrefix: String?

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.listQueues, ListQueuesRequest(queueNamePrefix: queueNamePrefix)
            ) { result in
                Table(headers: ["QUEUE-URL"], rows: (result.queueUrls ?? []).map { [$0] })
            }
        }
    }

    struct GetQueueAttributes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a queue's attributes and message counts.")

        @OptionGroup var global: GlobalOptions

        @Option var queueUrl: String

        @Option(parsing: .upToNextOption, help: "Names, or All (the default).")
        var attributeNames: [String] = ["All"]

        func run() async throws {
            let request = GetQueueAttributesRequest(queueUrl: queueUrl, attributeNames: attributeNames)
            try await Invocation(options: global).run(Methods.getQueueAttributes, request) { result in
                Table(
                    headers: ["ATTRIBUTE", "VALUE"],
                    rows: (result.attributes?.entries ?? [:]).sorted { $0.key < $1.key }.map { [$0.key, $0.value] })
            }
        }
    }

    struct PurgeQueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every message sent to a queue so far.")

        @OptionGroup var global: GlobalOptions

        @Option var queueUrl: String

        func run() async throws {
            try await Invocation(options: global).run(Methods.purgeQueue, QueueRequest(queueUrl: queueUrl)) { _ in
                Table(headers: ["PURGED"], rows: [[queueUrl]])
            }
        }
    }

    struct DeleteQueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a queue and its messages.")

        @OptionGroup var global: GlobalOptions

        @Option var queueUrl: String

        func run() async throws {
            try await Invocation(options: global).run(Methods.deleteQueue, QueueRequest(queueUrl: queueUrl)) { _ in
                Table(headers: ["DELETED"], rows: [[queueUrl]])
            }
        }
    }
}
