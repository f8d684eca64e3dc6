import API
import Crypto
import Foundation

/// AWS's rules for the FIFO parameters of a send: which queue type takes which, their characters and
/// lengths, and the deduplication key a message is remembered by.
enum FifoRules {
    /// What a checked send carries for ordering and deduplication.
    struct Identity: Sendable {
        var groupId: String?
        var deduplicationId: String?
        /// The key in the queue's deduplication window (the id, scoped by group if the queue says so).
        var deduplicationKey: String?
    }

    static func check(
        groupId: String?, deduplicationId: String?, delaySeconds: Int?, body: String, queue: QueueAttributes
    ) throws(CloudError) -> Identity {
        if let groupId { try validate(groupId, parameter: "MessageGroupId") }
        if let deduplicationId { try validate(deduplicationId, parameter: "MessageDeduplicationId") }
        guard queue.fifoQueue else {
            // A standard queue takes a group (fair queues), never a deduplication id.
            if deduplicationId != nil { throw notForThisQueueType("MessageDeduplicationId") }
            return Identity(groupId: groupId)
        }
        if let delaySeconds {
            throw SQSErrors.invalidParameterValue(
                "Value \(delaySeconds) for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type (a FIFO queue delays by its DelaySeconds attribute only)."
            )
        }
        guard let groupId else { throw CloudError.missingParameter("MessageGroupId") }
        let id: String
        if let deduplicationId {
            id = deduplicationId
        } else if queue.contentBasedDeduplication {
            id = SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined()
        } else {
            throw SQSErrors.invalidParameterValue(
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly."
            )
        }
        let key = queue.deduplicationScope == "messageGroup" ? "\(groupId.utf8.count):\(groupId)\(id)" : id
        return Identity(groupId: groupId, deduplicationId: id, deduplicationKey: key)
    }

    /// `ReceiveRequestAttemptId`: the same characters as the other FIFO ids.
    static func validateAttemptId(_ value: String) throws(CloudError) {
        try validate(value, parameter: "ReceiveRequestAttemptId")
    }

    /// 1 to 128 characters, letters, digits and ASCII punctuation.
    private static func validate(_ value: String, parameter: String) throws(CloudError) {
        guard (1...128).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw SQSErrors.invalidParameterValue(
                "Value \(value.prefix(140)) for parameter \(parameter) is invalid. Reason: \(parameter) can only include alphanumeric and punctuation characters. 1 to 128 in length."
            )
        }
    }

    private static func notForThisQueueType(_ parameter: String) -> CloudError {
        SQSErrors.invalidParameterValue(
            "The request include parameter \(parameter) that is not valid for this queue type (a standard queue).")
    }

    /// AWS's `SequenceNumber`: a large number, increasing in send order, as a string.
    static func sequenceNumber(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
