import API
import ArgumentParser
import Foundation

extension Iaasctl {
    struct SendMessage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a message to a queue.")

        @OptionGroup var global: GlobalOptions

        @Option var queueUrl: String

        @Option(help: "The body; - reads it from standard input.")
        var messageBody: String

        @Option(help: "Seconds before the message can be received (0 to 900; standard queues).")
        var delaySeconds: Int?

        @Option(help: "The message group: required by a FIFO queue, which delivers a group in order.")
        var messageGroupId: String?

        @Option(help: "FIFO: a second send with this id within 5 minutes is not stored again.")
        var messageDeduplicationId: String?

        func run() async throws {
            let body =
                messageBody == "-"
                ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : messageBody
            let request = SendMessageRequest(
                queueUrl: queueUrl, messageBody: body, delaySeconds: delaySeconds, messageGroupId: messageGroupId,
                messageDeduplicationId: messageDeduplicationId)
            try await Invocation(options: global).run(Methods.sendMessage, request) { result in
                Table(
                    headers: ["MESSAGE-ID", "MD5-OF-BODY", "SEQUENCE-NUMBER"],
                    rows: [[result.messageId, result.md5OfMessageBody, result.sequenceNumber ?? "-"]])
            }
        }
    }

    struct ReceiveMessage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Receive messages; each stays invisible to others for the visibility timeout.")

        @OptionGroup var global: GlobalOptions

        @Option var queueUrl: String

        @Option(help: "1 to 10.")
        var maxNumberOfMessages: Int?

        @Option(help: "Seconds the messages stay invisible (0 to 43200).")
        var visibilityTimeout: Int?

        @Option(help: "Long polling: wait up to this many seconds for a message (0 to 20).")
        var waitTimeSeconds: Int?

        func run() async throws {
            let request = ReceiveMessageRequest(
                queueUrl: queueUrl, attributeNames: ["All"], messageAttributeNames: ["All"],
                maxNumberOfMessages: maxNumberOfMessages, visibilityTimeout: visibilityTimeout,
                waitTimeSeconds: waitTimeSeconds)
            try await Invocation(options: global).run(Methods.receiveMessage, request) { result in
                Table(
                    headers: ["MESSAGE-ID", "GROUP", "RECEIVES", "BODY", "RECEIPT-HANDLE"],
                    rows: (result.messages ?? []).map { message in
                        [
                            message.messageId, message.attributes?["MessageGroupId"] ?? "-",
                            message.attributes?["ApproximateReceiveCount"] ?? "-",
                            message.body.replacingOccurrences(of: "\n", with: "\\n"), message.receiptHandle,
                        ]
                    })
            }
        }
    }

    struct DeleteMessage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a received message by its receipt handle.")

        @OptionGroup var global: GlobalOptions

        @Option var queueUrl: String

        @Option var receiptHandle: String

        func run() async throws {
            let request = DeleteMessageRequest(queueUrl: queueUrl, receiptHandle: receiptHandle)
            try await Invocation(options: global).run(Methods.deleteMessage, request) { _ in
                Table(headers: ["DELETED"], rows: [[receiptHandle]])
            }
        }
    }
}

extension Iaasctl {
    struct PeekMessages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a queue's oldest messages and their state without receiving them (not an AWS action).")

        @OptionGroup var global: GlobalOptions

        @Option var queueUrl: String

        @Option(help: "1 to 100.")
        var maxNumberOfMessages: Int?

        func run() async throws {
            let request = PeekMessagesRequest(queueUrl: queueUrl, maxNumberOfMessages: maxNumberOfMessages)
            try await Invocation(options: global).run(Methods.peekMessages, request) { result in
                Table(
                    headers: ["MESSAGE-ID", "STATE", "RECEIVES", "BODY"],
                    rows: result.messages.map { message in
                        [
                            message.messageId, message.state, message.attributes["ApproximateReceiveCount"] ?? "-",
                            message.body.replacingOccurrences(of: "\n", with: "\\n"),
                        ]
                    })
            }
        }
    }
}
