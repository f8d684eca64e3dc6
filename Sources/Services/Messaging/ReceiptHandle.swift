import API
import Foundation

/// A receipt handle: which receive of which message of which queue. Opaque to clients (base64), fresh on
/// every receive: `version` is the message's version that receive wrote.
struct ReceiptHandle: Sendable, Equatable {
    var queue: String
    var messageId: String
    var version: Int64

    var string: String {
        let text = "\(queue) \(messageId) \(version)"
        return Data(text.utf8).base64EncodedString()
    }

    /// Parses a handle; throws `ReceiptHandleIsInvalid` for anything this daemon did not hand out for `queue`.
    init(parsing handle: String, queue expected: String) throws(CloudError) {
        guard handle.utf8.count <= 1024, let data = Data(base64Encoded: handle),
            let text = String(data: data, encoding: .utf8)
        else { throw SQSErrors.receiptHandleIsInvalid(handle) }
        let parts = text.split(separator: " ")
        guard parts.count == 3, parts[0] == expected, let version = Int64(parts[2]) else {
            throw SQSErrors.receiptHandleIsInvalid(handle)
        }
        self.init(queue: String(parts[0]), messageId: String(parts[1]), version: version)
    }

    init(queue: String, messageId: String, version: Int64) {
        self.queue = queue
        self.messageId = messageId
        self.version = version
    }
}
